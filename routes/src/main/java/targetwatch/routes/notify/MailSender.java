package targetwatch.routes.notify;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Sends alert mails: to an SMTP server when one is configured, otherwise as {@code .eml} files in the
 * mail folder (one per message, named by event and recipient, so a retry overwrites rather than doubles).
 */
public final class MailSender {

    private final String smtpHost;
    private final int smtpPort;
    private final String from;
    private final Path mailDir;
    private final Session session;

    public MailSender(String smtpHost, int smtpPort, String from, Path mailDir) {
        this.smtpHost = smtpHost == null ? "" : smtpHost.strip();
        this.smtpPort = smtpPort;
        this.from = from;
        this.mailDir = mailDir;
        Properties p = new Properties();
        p.put("mail.smtp.host", this.smtpHost.isEmpty() ? "localhost" : this.smtpHost);
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        this.session = Session.getInstance(p);
    }

    public boolean usesSmtp() {
        return !smtpHost.isEmpty();
    }

    /** Where mail goes, for the start-up summary. */
    public String description() {
        return usesSmtp() ? "smtp://" + smtpHost + ":" + smtpPort : mailDir.toString() + "/*.eml";
    }

    /** Sends the mail and returns what the server or folder said, for the outbox record. */
    public String send(AlertMail mail, String eventId) throws Exception {
        return send(mail, eventId, eventId);
    }

    /**
     * Sends one mail for several events (a digest): its {@code X-Targetwatch-Event} header lists their ids,
     * separated by spaces, and its Message-ID is made from them, so a resend of the same digest is recognised.
     */
    public String sendDigest(AlertMail mail, java.util.List<String> eventIds) throws Exception {
        String joined = String.join(" ", eventIds);
        String id = "digest-" + java.util.UUID.nameUUIDFromBytes(joined.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(mail, id, joined);
    }

    private String send(AlertMail mail, String id, String eventHeader) throws Exception {
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
            Transport.send(m);
            return "accepted by " + description();
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
}
