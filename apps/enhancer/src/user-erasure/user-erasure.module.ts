import { Module } from '@nestjs/common';
import { UserDeletedHandler } from './user-deleted.handler';

/** Erases a deleted account's data (user.deleted). */
@Module({ controllers: [UserDeletedHandler] })
export class UserErasureModule {}
