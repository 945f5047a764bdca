export { createServiceDataSource, type ServiceDataSourceOptions } from './service-data-source';
export { provisionDatabase, dropDatabase, serviceRole, type ProvisionOptions } from './provision-database';
export { PersistenceModule } from './persistence.module';
