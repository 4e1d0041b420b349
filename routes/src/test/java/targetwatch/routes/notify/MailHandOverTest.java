package targetwatch.routes.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;

/**
 * The hand-over of a mail to the SMTP server: it runs just before the server can take the message, so a process
 * killed after the server took it never sends it again; a refusal is an ordinary failure, and silence after the
 * hand-over leaves the mail in doubt.
 */
class MailHandOverTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final AlertMail MESSAGE = new AlertMail("ian.park@example.org", "Ian Park", "[targetwatch] RAISED",
            "Repeat victims are red.", "<p>Repeat victims are red.</p>");

    @Test
    void the_hand_over_runs_once_before_the_server_has_the_mail_and_the_server_has_it_after(@TempDir Path mailDir)
            throws Exception {
        MailSender sender = new MailSender("localhost", MAIL.getSmtp().getPort(), "targetwatch@example.org", mailDir);
        AtomicInteger handOvers = new AtomicInteger();
        int[] receivedAtHandOver = {-1};

        String answer = sender.send(MESSAGE, "event-1", () -> {
            handOvers.incrementAndGet();
            receivedAtHandOver[0] = MAIL.getReceivedMessages().length;
        });

        assertEquals(1, handOvers.get());
        assertEquals(0, receivedAtHandOver[0], "the server had the mail before the hand-over was recorded");
        assertEquals(1, MAIL.getReceivedMessages().length);
        assertTrue(answer.contains("250"), answer);
    }

    @Test
    void a_server_that_refuses_the_message_after_the_hand_over_gives_an_ordinary_failure(@TempDir Path mailDir)
            throws Exception {
        try (OneShotSmtpServer server = new OneShotSmtpServer("554 5.7.1 message refused")) {
            MailSender sender = new MailSender("localhost", server.port(), "targetwatch@example.org", mailDir);
            Exception e = assertThrows(Exception.class, () -> sender.send(MESSAGE, "event-2", () -> { }));
            assertTrue(e instanceof SMTPSendFailedException, e.toString());
            assertFalse(e instanceof MailSender.MailInDoubtException);
        }
    }

    @Test
    void a_server_that_never_answers_after_the_hand_over_leaves_the_mail_in_doubt(@TempDir Path mailDir) throws Exception {
        try (OneShotSmtpServer server = new OneShotSmtpServer(null)) {
            MailSender sender = new MailSender("localhost", server.port(), "targetwatch@example.org", mailDir);
            AtomicInteger handOvers = new AtomicInteger();
            assertThrows(MailSender.MailInDoubtException.class, () -> sender.send(MESSAGE, "event-3", handOvers::incrementAndGet));
            assertEquals(1, handOvers.get());
        }
    }

    @Test
    void a_server_that_refuses_the_recipient_fails_before_any_hand_over(@TempDir Path mailDir) throws Exception {
        try (OneShotSmtpServer server = new OneShotSmtpServer("250 OK", "550 5.1.1 no such user")) {
            MailSender sender = new MailSender("localhost", server.port(), "targetwatch@example.org", mailDir);
            AtomicInteger handOvers = new AtomicInteger();
            Exception e = assertThrows(Exception.class, () -> sender.send(MESSAGE, "event-4", handOvers::incrementAndGet));
            assertFalse(e instanceof MailSender.MailInDoubtException, e.toString());
            assertEquals(0, handOvers.get());
        }
    }
}
