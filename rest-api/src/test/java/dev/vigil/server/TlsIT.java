package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTPS from PEM files made in the test: each key format, bad files refused at start, a renewed certificate served without a restart. */
class TlsIT {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    @TempDir
    Path dir;
    private VigilServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A key pair and a certificate for it, self-signed, for localhost and 127.0.0.1. */
    private record Identity(KeyPair keys, X509Certificate certificate) {
        static Identity generate(String algorithm, String commonName) throws Exception {
            var generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
            var keys = generator.generateKeyPair();
            var now = Instant.now();
            var name = new X500Name("CN=" + commonName);
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            var signer = new JcaContentSignerBuilder(algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA").build(keys.getPrivate());
            return new Identity(keys, new JcaX509CertificateConverter().getCertificate(builder.build(signer)));
        }
    }

    private static void writePem(Path file, Object... objects) throws IOException {
        try (var out = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
            for (var object : objects) {
                out.writeObject(object);
            }
        }
    }

    /** Writes {@code identity} as the server's files, the key in {@code keyFormat}. */
    private void write(Identity identity, String keyFormat) throws Exception {
        writePem(dir.resolve("cert.pem"), identity.certificate());
        var key = identity.keys().getPrivate();
        switch (keyFormat) {
            // RSA as PKCS#1 (BEGIN RSA PRIVATE KEY), as JcaPEMWriter writes it; EC as SEC 1 (BEGIN EC PRIVATE KEY), with its
            // curve and public key as openssl writes it.
            case "legacy" -> writePem(dir.resolve("key.pem"), key.getAlgorithm().equals("EC") ? sec1(identity.keys()) : key);
            case "pkcs8" -> writePem(dir.resolve("key.pem"), new JcaPKCS8Generator(key, null).generate());
            case "encrypted" -> writePem(dir.resolve("key.pem"), new JcaPKCS8Generator(key,
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build()).generate());
            default -> throw new IllegalArgumentException(keyFormat);
        }
    }

    private static org.bouncycastle.util.io.pem.PemObject sec1(KeyPair keys) throws IOException {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
        var key = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) keys.getPrivate()).getS(),
                publicKey, info.getPrivateKeyAlgorithm().getParameters());
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", key.getEncoded());
    }

    private VigilServer start() {
        server = VigilServer.start(TestServer.config(dir.resolve("data"))
                .withAccess(ServerConfig.Access.NONE.withTls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
                        .withReloadEvery(Duration.ofMillis(100))));
        return server;
    }

    /** A client that trusts exactly {@code trusted}, on a connection of its own. */
    private static HttpClient trusting(X509Certificate... trusted) throws GeneralSecurityException, IOException {
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            store.setCertificateEntry("trusted-" + i, trusted[i]);
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA legacy", "RSA pkcs8", "EC legacy", "EC pkcs8"})
    void https_fromEachKindOfPemKey_servesTheApi(String kind) throws Exception {
        var identity = Identity.generate(kind.split(" ")[0], "vigil-test");
        write(identity, kind.split(" ")[1]);
        start();

        var response = get(trusting(identity.certificate()), "/api/v1/rulesets");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
    }

    @Test
    void https_port_doesNotServePlainHttp() throws Exception {
        var identity = Identity.generate("EC", "vigil-test");
        write(identity, "pkcs8");
        start();

        try (var socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            var answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotStartWith("HTTP/1.1 200");
        } catch (IOException refused) {
            // The connection closed: refused as well.
        }
    }

    @Test
    void https_isNotTrustedByAClientThatDoesNotKnowTheCertificate() throws Exception {
        write(Identity.generate("EC", "vigil-test"), "pkcs8");
        start();

        assertThatThrownBy(() -> get(trusting(Identity.generate("EC", "someone-else").certificate()), "/api/v1/health"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void start_withAKeyOfAnotherCertificate_failsNamingTheKeyFile() throws Exception {
        writePem(dir.resolve("cert.pem"), Identity.generate("EC", "one").certificate());
        writePem(dir.resolve("key.pem"), new JcaPKCS8Generator(Identity.generate("EC", "two").keys().getPrivate(), null).generate());

        assertThatThrownBy(this::start).hasMessageContaining("--tls-key").hasMessageContaining("is not the key of the certificate");
    }

    @Test
    void start_withAnEncryptedKey_failsSayingSo() throws Exception {
        write(Identity.generate("RSA", "vigil-test"), "encrypted");

        assertThatThrownBy(this::start).hasMessageContaining("--tls-key").hasMessageContaining("is encrypted");
    }

    @Test
    void start_withACertificateFileHoldingNoCertificate_failsNamingIt() throws Exception {
        var identity = Identity.generate("EC", "vigil-test");
        write(identity, "pkcs8");
        Files.copy(dir.resolve("key.pem"), dir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(this::start).hasMessageContaining("--tls-cert").hasMessageContaining("holds no certificate");
    }

    @Test
    void renewedCertificate_isServedToNewConnections_withoutARestart_andABrokenOneIsNot() throws Exception {
        var first = Identity.generate("EC", "first");
        var second = Identity.generate("EC", "second");
        write(first, "pkcs8");
        start();
        var client = trusting(first.certificate(), second.certificate());
        assertThat(servedCertificate(first, second)).isEqualTo(first.certificate());

        // Half a renewal: the new certificate with the old key. Refused; the first stays.
        writePem(dir.resolve("cert.pem"), second.certificate());
        await().atMost(Duration.ofSeconds(20)).until(() -> reloads(client, "refused") >= 1);
        assertThat(servedCertificate(first, second)).isEqualTo(first.certificate());

        write(second, "pkcs8");
        await().atMost(Duration.ofSeconds(20)).until(() -> reloads(client, "applied") >= 1);
        assertThat(servedCertificate(first, second)).isEqualTo(second.certificate());
    }

    private X509Certificate servedCertificate(Identity... trusted) throws Exception {
        var certificates = new X509Certificate[trusted.length];
        for (int i = 0; i < trusted.length; i++) {
            certificates[i] = trusted[i].certificate();
        }
        var response = get(trusting(certificates), "/api/v1/health");
        return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    private double reloads(HttpClient client, String outcome) throws Exception {
        var metrics = get(client, "/metrics").body();
        var m = Pattern.compile("(?m)^vigil_reloads_total\\{file=\"tls\",outcome=\"" + outcome + "\"} ([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
