import { Module } from '@nestjs/common';
import { AdminUsersController } from './admin-users.controller';
import { AuthController } from './auth.controller';
import { LoginFailuresRepository } from './login-failures.repository';
import { LoginSessions } from './login-sessions.service';
import { PasswordHasher } from './password-hasher';
import { SessionsRepository } from './sessions.repository';
import { UserAccounts } from './user-accounts.service';
import { UsersRepository } from './users.repository';

/** Users, credentials and login sessions (the gateway owns them). */
@Module({
  controllers: [AuthController, AdminUsersController],
  providers: [
    UsersRepository,
    SessionsRepository,
    LoginFailuresRepository,
    PasswordHasher,
    UserAccounts,
    LoginSessions,
  ],
  exports: [UserAccounts, LoginSessions, UsersRepository],
})
export class AccountsModule {}
