package dev.kthw.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away public key infrastructure for a test, made with BouncyCastle (no openssl
 * binary needed): a CA, a serving certificate for etcd (valid for 127.0.0.1 and
 * localhost) and a client certificate for the API server, each written as PEM, the way
 * kubeadm lays out {@code /etc/kubernetes/pki/etcd/}. Keys are ECDSA P-256 (quick to
 * make) in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), the one key format both etcd and
 * jetcd (Netty) read without extra libraries.
 */
public final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** The files of one PKI; {@link #otherCa()} is a CA that signed none of them. */
    public record PemFiles(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey, Path otherCa) {
    }

    private TestPki() {
    }

    /** Makes a CA and the certificates it signs, as PEM files in {@code dir}. */
    public static PemFiles create(Path dir) {
        try {
            KeyPair caKey = keyPair();
            X509Certificate ca = caCertificate("kthw-test-etcd-ca", caKey);
            KeyPair serverKey = keyPair();
            X509Certificate server = signed(ca, caKey.getPrivate(), "kthw-test-etcd-server", serverKey,
                    KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            KeyPair clientKey = keyPair();
            X509Certificate client = signed(ca, caKey.getPrivate(), "kthw-apiserver-etcd-client", clientKey,
                    KeyPurposeId.id_kp_clientAuth, null);
            X509Certificate other = caCertificate("kthw-test-unrelated-ca", keyPair());
            return new PemFiles(write(dir.resolve("ca.crt"), ca), write(dir.resolve("server.crt"), server),
                    write(dir.resolve("server.key"), serverKey.getPrivate()), write(dir.resolve("client.crt"), client),
                    write(dir.resolve("client.key"), clientKey.getPrivate()), write(dir.resolve("other-ca.crt"), other));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make test certificates: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate caCertificate(String name, KeyPair key)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + name), key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return sign(builder, key.getPrivate());
    }

    private static X509Certificate signed(X509Certificate ca, PrivateKey caKey, String name, KeyPair key,
                                          KeyPurposeId purpose, GeneralNames altNames)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + name), key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return sign(builder, caKey);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                key.getPublic())
                .addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static Path write(Path file, Object pemObject) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(pemObject instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : pemObject);
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text.toString());
    }
}
