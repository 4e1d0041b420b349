package targetwatch.engine.store;

/** An activation written in two steps on a real PostgreSQL server (see {@link PostgresTestDatabase}). */
class PostgresActivationTest extends ActivationContract {

    @Override
    String emptyDatabase() throws Exception {
        return PostgresTestDatabase.emptySchemaUrl();
    }

    @Override
    String user() {
        return PostgresTestDatabase.user();
    }

    @Override
    String password() {
        return PostgresTestDatabase.password();
    }
}
