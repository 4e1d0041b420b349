package targetwatch.routes.notify;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Sends alert mails: to an SMTP server when one is configured, otherwise as {@code .eml} files in the
 * mail folder (one per message, named by event and recipient, so a retry overwrites rather than doubles).
 *
 * <p>An SMTP server takes a message when it has its last line; a process that dies between the server's
 * "250 OK" and the outbox recording it would send the mail again after a restart. So the caller's hand-over
 * is run (the outbox marks the deliveries in doubt) just before that last line goes: a death before it sends
 * nothing and leaves the deliveries in doubt, shown on /api/health; a death after it sends once. A clear
 * refusal of the message still lets the delivery be retried; no answer at all leaves it in doubt.
 */
public final class MailSender {

    private final String smtpHost;
    private final int smtpPort;
    private final String from;
    private final Path mailDir;
    private final Session session;
    private final String user;
    private final String password;

    public MailSender(String smtpHost, int smtpPort, String from, Path mailDir) {
        this(smtpHost, smtpPort, from, mailDir, false, "", "");
    }

    /**
     * @param startTls whether the connection must be upgraded with STARTTLS before anything is sent (a server that does
     *                 not offer it is refused, so no mail goes in clear)
     * @param user the SMTP AUTH user (empty: no authentication)
     * @param password its password
     */
    public MailSender(String smtpHost, int smtpPort, String from, Path mailDir, boolean startTls, String user, String password) {
        this.user = user == null ? "" : user.strip();
        this.password = password == null ? "" : password;
        this.smtpHost = smtpHost == null ? "" : smtpHost.strip();
        this.smtpPort = smtpPort;
        this.from = from;
        this.mailDir = mailDir;
        Properties p = new Properties();
        p.put("mail.smtp.host", this.smtpHost.isEmpty() ? "localhost" : this.smtpHost);
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        if (startTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        if (!this.user.isEmpty()) {
            p.put("mail.smtp.auth", "true");
        }
        this.session = Session.getInstance(p);
    }

    public boolean usesSmtp() {
        return !smtpHost.isEmpty();
    }

    /** Where mail goes, for the start-up summary. */
    public String description() {
        return usesSmtp() ? "smtp://" + smtpHost + ":" + smtpPort : mailDir.toString() + "/*.eml";
    }

    /**
     * Sends the mail and returns what the server or folder said, for the outbox record, running {@code handOver}
     * just before the server can take it.
     *
     * @throws MailInDoubtException when the server may have the mail but never said so
     */
    public String send(AlertMail mail, String eventId, Runnable handOver) throws Exception {
        return send(mail, eventId, eventId, handOver);
    }

    /**
     * Sends one mail for several events (a digest): its {@code X-Targetwatch-Event} header lists their ids,
     * separated by spaces, and its Message-ID is made from them, so a resend of the same digest is recognised.
     */
    public String sendDigest(AlertMail mail, java.util.List<String> eventIds, Runnable handOver) throws Exception {
        String joined = String.join(" ", eventIds);
        String id = "digest-" + java.util.UUID.nameUUIDFromBytes(joined.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(mail, id, joined, handOver);
    }

    private String send(AlertMail mail, String id, String eventHeader, Runnable handOver) throws Exception {
        String eventId = id;
        String messageId = "<" + eventId + "." + Integer.toHexString(mail.to().hashCode()) + "@targetwatch>";
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // the same event to the same person always has the same Message-ID, so a resend can be recognised
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), mail.toName(), "UTF-8"));
        m.setSubject(mail.subject(), "UTF-8");
        m.setHeader("X-Targetwatch-Event", eventHeader);
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.text(), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(mail.html(), "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.saveChanges();
        if (usesSmtp()) {
            return sendBySmtp(m, handOver);
        }
        Files.createDirectories(mailDir);
        String name = eventId + "-" + mail.to().replaceAll("[^A-Za-z0-9.@_-]", "_") + ".eml";
        Path tmp = mailDir.resolve("." + name + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            m.writeTo(out);
        } catch (MessagingException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, mailDir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return "written to " + mailDir.resolve(name);
    }

    private String sendBySmtp(MimeMessage m, Runnable handOver) throws MessagingException {
        HandOverTransport transport = new HandOverTransport(session, handOver);
        try {
            if (user.isEmpty()) {
                transport.connect();
            } else {
                transport.connect(smtpHost, smtpPort, user, password);
            }
            transport.sendMessage(m, m.getAllRecipients());
            return "accepted by " + description() + ": " + transport.getLastServerResponse().strip();
        } catch (MessagingException e) {
            if (transport.handedOver && !refused(e)) {
                throw new MailInDoubtException("the mail server was given the message but did not answer: " + e.getMessage(), e);
            }
            throw e;
        } finally {
            try {
                transport.close();
            } catch (MessagingException quitFailed) {
                // the message is settled by now; a failed goodbye changes nothing
            }
        }
    }

    /** Whether the server answered that it does not take the message (a 4xx or 5xx reply, not a broken connection). */
    private static boolean refused(MessagingException e) {
        return e instanceof SMTPSendFailedException failed && failed.getReturnCode() >= 400;
    }

    /** The SMTP transport, running the hand-over just before the line that ends a message's data. */
    private static final class HandOverTransport extends SMTPTransport {

        private final Runnable handOver;
        private boolean handedOver;

        HandOverTransport(Session session, Runnable handOver) {
            super(session, new URLName("smtp", null, -1, null, null, null));
            this.handOver = handOver;
        }

        @Override
        protected void finishData() throws java.io.IOException, MessagingException {
            handOver.run();
            handedOver = true;
            super.finishData();
        }
    }

    /** The mail server may have a message or not: it was handed over, and no answer came. */
    public static final class MailInDoubtException extends MessagingException {

        MailInDoubtException(String message, Exception cause) {
            super(message, cause);
        }
    }
}
