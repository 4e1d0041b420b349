package targetwatch.bench.crash;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The SMTP server the service mails to: GreenMail's, in this process, keeping every mail it accepts (any
 * recipient). Its connections set TCP_NODELAY: GreenMail writes each reply line on its own, and with Nagle's
 * algorithm against the client's delayed ACKs every mail waited about 40 ms more (60-95 ms a mail instead of
 * 11-35 ms here), which made the mailbox, not the service, the slowest part of the test.
 */
final class Mailbox implements AutoCloseable {

    private final Managers managers = new Managers();
    private final SmtpServer smtp;

    Mailbox(int port) throws InterruptedException {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        smtp = new SmtpServer(setup, managers) {
            @Override
            protected ServerSocket openServerSocket() throws IOException {
                ServerSocket server = new ServerSocket() {
                    @Override
                    public Socket accept() throws IOException {
                        Socket client = new Socket();
                        implAccept(client);
                        client.setTcpNoDelay(true);
                        return client;
                    }
                };
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(bindTo, setup.getPort()));
                return server;
            }
        };
        smtp.startService();
        if (!smtp.waitTillRunning(30_000)) {
            throw new IllegalStateException("the SMTP server did not start on port " + port);
        }
    }

    /** How many mails came, counted cheaply. */
    int count() {
        return managers.getImapHostManager().getAllMessages().size();
    }

    /** Every mail that came (once for each recipient it was delivered to). */
    List<MimeMessage> messages() throws MessagingException {
        List<MimeMessage> out = new ArrayList<>();
        for (StoredMessage m : managers.getImapHostManager().getAllMessages()) {
            out.add(m.getMimeMessage());
        }
        return out;
    }

    @Override
    public void close() {
        smtp.stopService();
    }
}
