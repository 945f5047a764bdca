import { DatabaseSetupConfigError, loadDatabaseSetupConfig, serviceDatabaseConfig } from './database-setup-config';

describe('loadDatabaseSetupConfig (db setup: provision and migrate)', () => {
  const roles = 'gateway=g-pw,billing=b-pw,enhancer=e-pw,generator=n-pw,judge=j-pw,recommender=r-pw';

  it('starts in production with the role passwords alone: no service secret (JWT, caller key) is needed', () => {
    const setup = loadDatabaseSetupConfig({ NODE_ENV: 'production', DATABASE_ROLE_PASSWORDS: roles });
    expect(serviceDatabaseConfig(setup, 'billing')).toMatchObject({
      user: 'atelier_billing',
      password: 'b-pw',
      schema: 'billing',
    });
  });

  it('refuses production with a role lacking its password, or two roles sharing one', () => {
    expect(() =>
      loadDatabaseSetupConfig({ NODE_ENV: 'production', DATABASE_ROLE_PASSWORDS: 'gateway=g-pw,billing=b-pw' }),
    ).toThrow(/production needs a password for enhancer, generator, judge, recommender/);
    expect(() =>
      loadDatabaseSetupConfig({ NODE_ENV: 'production', DATABASE_ROLE_PASSWORDS: roles.replace('b-pw', 'g-pw') }),
    ).toThrow(/each service role needs its own password/);
  });

  it('refuses an unknown service and a malformed list', () => {
    expect(() => loadDatabaseSetupConfig({ DATABASE_ROLE_PASSWORDS: 'gateway=x,nobody=y' })).toThrow(
      /unknown services nobody/,
    );
    expect(() => loadDatabaseSetupConfig({ DATABASE_ROLE_PASSWORDS: 'gateway' })).toThrow(DatabaseSetupConfigError);
  });

  it('in development each role falls back to DATABASE_PASSWORD (trust on a dev machine)', () => {
    const setup = loadDatabaseSetupConfig({ DATABASE_PASSWORD: '' });
    expect(serviceDatabaseConfig(setup, 'judge')).toMatchObject({ user: 'atelier_judge', password: '' });
  });
});
