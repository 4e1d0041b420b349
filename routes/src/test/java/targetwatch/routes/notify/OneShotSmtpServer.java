package targetwatch.routes.notify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An SMTP server for one conversation whose answer to the end of the message is given (null: it hangs up
 * instead), and optionally its answer to the recipient.
 */
public final class OneShotSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread thread;

    public OneShotSmtpServer(String endOfDataAnswer) throws IOException {
        this(0, endOfDataAnswer, "250 OK");
    }

    public OneShotSmtpServer(String endOfDataAnswer, String rcptAnswer) throws IOException {
        this(0, endOfDataAnswer, rcptAnswer);
    }

    /** On a given port (0 for any free one). */
    public OneShotSmtpServer(int port, String endOfDataAnswer, String rcptAnswer) throws IOException {
        socket = new ServerSocket(port);
        thread = new Thread(() -> converse(endOfDataAnswer, rcptAnswer), "one-shot-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void converse(String endOfDataAnswer, String rcptAnswer) {
        try (Socket client = socket.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            say(out, "220 one-shot ESMTP");
            boolean inData = false;
            for (String line; (line = in.readLine()) != null; ) {
                if (inData) {
                    if (line.equals(".")) {
                        if (endOfDataAnswer == null) {
                            return;
                        }
                        say(out, endOfDataAnswer);
                        inData = false;
                    }
                    continue;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO", "HELO" -> say(out, "250 one-shot");
                    case "RCPT" -> say(out, rcptAnswer);
                    case "DATA" -> {
                        say(out, "354 go ahead");
                        inData = true;
                    }
                    case "QUIT" -> {
                        say(out, "221 bye");
                        return;
                    }
                    default -> say(out, "250 OK");
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void say(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
