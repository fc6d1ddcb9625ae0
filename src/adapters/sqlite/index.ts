export { openSqliteStore, SqliteStore } from './sqlite-store.js';
export { type ConnectionOptions, DATABASE_FILE, databasePath, openConnection } from './connection.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
