import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AccountOverview } from './account-overview.service';
import { AccountController } from './account.controller';

@Module({
  imports: [AccountsModule],
  controllers: [AccountController],
  providers: [AccountOverview],
  exports: [AccountOverview],
})
export class AccountModule {}
