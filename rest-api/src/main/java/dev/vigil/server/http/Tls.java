package dev.vigil.server.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS from a PEM certificate chain and its PEM private key, as certbot, cert-manager and openssl
 * write them: the chain's certificates in order, the key unencrypted in PKCS#8 ({@code BEGIN
 * PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC 1 ({@code BEGIN EC PRIVATE KEY}).
 * The files are read again when they change, so a renewed certificate is served without a
 * restart; files that do not load then are logged and the one in use stays.
 */
public final class Tls {
    private static final Logger LOG = LoggerFactory.getLogger(Tls.class);
    private static final char[] NO_PASSWORD = new char[0];

    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server contextFactory = new SslContextFactory.Server();

    /** Reads both files at once, so that a bad certificate or key stops the start with a clear message. */
    public Tls(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        contextFactory.setKeyStore(keyStore(certFile, keyFile));
        contextFactory.setKeyStorePassword("");
        // TLS 1.2 and 1.3 with the JDK's default suites; Jetty already excludes the weak ones.
        contextFactory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    }

    /** A connector serving HTTPS (HTTP/1.1) on {@code host}:{@code port}. */
    public Connector connector(Server server, HttpConfiguration http, String host, int port) {
        // Clients reach the server by IP address and names the certificate may not list: the
        // certificate check is theirs, not a reason to refuse the request here.
        var secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        var connector = new ServerConnector(server, new SslConnectionFactory(contextFactory, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    public List<Path> files() {
        return List.of(certFile, keyFile);
    }

    /**
     * Serves the files as they are now to new connections, or keeps the current ones if they do not
     * load (as between a renewal's writing the key and the certificate). Returns whether it took them.
     */
    public boolean reload() {
        KeyStore fresh;
        try {
            fresh = keyStore(certFile, keyFile);
        } catch (IllegalArgumentException e) {
            LOG.error("TLS files not reloaded, the certificate in use stays: {}", e.getMessage());
            return false;
        }
        try {
            contextFactory.reload(f -> f.setKeyStore(fresh));
        } catch (Exception e) {
            LOG.error("TLS files not reloaded, the certificate in use stays", e);
            return false;
        }
        LOG.info("TLS certificate reloaded from {}", certFile);
        return true;
    }

    /** The certificate chain and key as a key store; IllegalArgumentException naming the file and the problem. */
    static KeyStore keyStore(Path certFile, Path keyFile) {
        var chain = certificates(certFile);
        var key = privateKey(keyFile);
        if (!matches(chain.get(0), key)) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " is not the key of the certificate in --tls-cert " + certFile);
        }
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("vigil", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the certificate in " + certFile + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        var out = new ArrayList<X509Certificate>();
        var converter = new JcaX509CertificateConverter();
        try (var pem = new PEMParser(reader(file, "--tls-cert"))) {
            for (Object item; (item = pem.readObject()) != null; ) {
                if (item instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-cert " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    private static PrivateKey privateKey(Path file) {
        var converter = new JcaPEMKeyConverter();
        try (var pem = new PEMParser(reader(file, "--tls-key"))) {
            for (Object item; (item = pem.readObject()) != null; ) {
                if (item instanceof PEMKeyPair pair) {
                    // Its private part only: a SEC 1 EC key may leave out the public key.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException("--tls-key " + file + " is encrypted; give it unencrypted"
                            + " (openssl pkey -in " + file.getFileName() + " -out key.pem) and keep the file readable only by Vigil");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-key " + file + " is not a PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("--tls-key " + file + " holds no private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static Reader reader(Path file, String option) {
        try {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Whether {@code key} is the private half of the certificate's public key: a signature made with it verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        var algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            var data = "vigil".getBytes(StandardCharsets.US_ASCII);
            var signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            var signature = signer.sign();
            var verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
