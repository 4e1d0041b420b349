package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

/**
 * Sizes before bodies: a request that declares a body over its route's limit is answered 413 before a byte of the
 * body is sent (the test never sends it); the rule set upload reads its larger body only for a secretariat, so
 * anyone else's upload, with no credentials (401), wrong ones (401) or a viewer's (403), is answered before its body.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyLimitsEndToEndTest {

    private static final long FIFTY_MB = 50L * 1024 * 1024;
    private static final int TWO_MB = 2 * 1024 * 1024;

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty());
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    /**
     * Sends only a request's head, declaring a body of {@code length} bytes that never comes, and answers the status
     * line: a server that waited for the body would time out instead.
     */
    private String headOnly(String path, String authorization, long length) throws Exception {
        int port = Integer.parseInt(app.baseUrl().substring(app.baseUrl().lastIndexOf(':') + 1));
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Length: " + length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_declared_body_over_the_limit_is_refused_before_it_is_sent_whoever_sends_it() throws Exception {
        assertTrue(headOnly("/api/readings", null, FIFTY_MB).contains(" 413"), "anonymous readings");
        assertTrue(headOnly("/api/readings", app.basicAuth("lead"), 2L * 1024 * 1024).contains(" 413"),
                "a lead's readings over 1 MiB");
        assertTrue(headOnly("/rules/upload", null, FIFTY_MB).contains(" 413"), "the page's upload without a session");
        assertTrue(headOnly("/sign-in", null, FIFTY_MB).contains(" 413"), "the sign-in form");
    }

    @Test
    void an_upload_with_no_wrong_or_a_viewers_credentials_is_answered_without_its_body() throws Exception {
        assertTrue(headOnly("/api/rulesets", null, FIFTY_MB).contains(" 401"), "no credentials: 401 before the body");
        assertTrue(headOnly("/api/rulesets", basic("secretariat", "not the password"), FIFTY_MB).contains(" 401"),
                "wrong credentials: 401 before the body");
        assertTrue(headOnly("/api/rulesets", app.basicAuth("viewer"), FIFTY_MB).contains(" 403"),
                "a viewer's: 403 before the body");
        assertTrue(headOnly("/api/rulesets", app.basicAuth("secretariat"), FIFTY_MB).contains(" 413"),
                "a secretariat's over the upload limit: refused unread too");
    }

    @Test
    void a_two_megabyte_upload_is_read_for_the_secretariat_and_refused_unread_for_a_viewer() throws Exception {
        byte[] notAZip = new byte[TWO_MB];
        HttpResponse<String> secretariat = upload("secretariat", notAZip);
        assertEquals(422, secretariat.statusCode(), "read and found not to be a zip: " + secretariat.body());
        assertTrue(secretariat.body().contains("zip"), secretariat.body());
        HttpResponse<String> viewer = upload("viewer", notAZip);
        assertEquals(403, viewer.statusCode(), viewer.body());
        assertTrue(viewer.body().contains("needs the secretariat role"), viewer.body());
    }

    @Test
    void a_get_declaring_a_form_body_is_answered_as_without_it_over_http2_as_over_http1() throws Exception {
        int port = Integer.parseInt(app.baseUrl().substring(app.baseUrl().lastIndexOf(':') + 1));
        Vertx vertx = Vertx.vertx();
        try {
            for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_2, HttpVersion.HTTP_1_1}) {
                // prior knowledge (h2c without an upgrade), as curl --http2-prior-knowledge and proxies speak it
                HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
                        .setHttp2ClearTextUpgrade(false));
                for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
                    HttpClientResponse response = client.request(new RequestOptions().setMethod(HttpMethod.GET)
                                    .setHost("localhost").setPort(port).setURI("/api/health").putHeader("Content-Type", type))
                            .compose(r -> r.send()).toCompletionStage().toCompletableFuture()
                            .get(20, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals(version, response.version());
                    assertEquals(200, response.statusCode(), version + " GET /api/health with " + type);
                }
                client.close().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private HttpResponse<String> upload(String user, byte[] body) throws Exception {
        return app.send(app.request("/api/rulesets").header("Authorization", app.basicAuth(user))
                .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }
}
