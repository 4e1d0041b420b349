package targetwatch.engine.store;

/** The store contract on a real PostgreSQL server (see {@link PostgresTestDatabase}). */
class PostgresStoreTest extends StoreContract {

    @Override
    Store openEmpty() throws Exception {
        return JdbcStore.open(PostgresTestDatabase.emptySchemaUrl(), PostgresTestDatabase.user(),
                PostgresTestDatabase.password());
    }

    @Override
    String[] emptyDatabase() throws Exception {
        return new String[] {PostgresTestDatabase.emptySchemaUrl(), PostgresTestDatabase.user(),
                PostgresTestDatabase.password()};
    }
}
