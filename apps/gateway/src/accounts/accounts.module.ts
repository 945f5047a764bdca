import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { AccountMailLimits } from './account-mail-limits';
import { AccountSecurity } from './account-security.service';
import { AccountTokensRepository } from './account-tokens.repository';
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
  imports: [MailModule],
  controllers: [AuthController, AdminUsersController],
  providers: [
    UsersRepository,
    SessionsRepository,
    LoginFailuresRepository,
    PasswordHasher,
    UserAccounts,
    LoginSessions,
    AccountTokensRepository,
    AccountMailLimits,
    AccountSecurity,
  ],
  exports: [UserAccounts, LoginSessions, UsersRepository, AccountSecurity],
})
export class AccountsModule {}
