"""HTTPS in front of a plain HTTP server on 127.0.0.1, for tests of real TLS clients: a test CA
and a server certificate it signed (openssl(1)), a TLS front that relays bytes unchanged (the
Host header the client signed included), and an HTTP CONNECT proxy that terminates the tunnel's
TLS itself and relays to the same local server, whatever host the client asked for: nothing
leaves 127.0.0.1."""
import os
import socket
import ssl
import subprocess
import threading


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd)


def make_ca(folder, name, names=("IP:127.0.0.1",)):
    """A CA (name.pem, name.key) and a server certificate it signed (name-server.pem and .key)
    for the subject alternative names given; returns the CA's PEM text."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
            "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    with open(os.path.join(folder, f"{name}-server.ext"), "w", encoding="utf-8") as f:
        f.write(f"subjectAltName={','.join(names)}\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("req", *ec, "-keyout", f"{name}-server.key", "-out", f"{name}-server.csr",
            "-subj", f"/CN={name}-server", cwd=folder)
    openssl("x509", "-req", "-in", f"{name}-server.csr", "-CA", f"{name}.pem", "-CAkey",
            f"{name}.key", "-CAcreateserial", "-out", f"{name}-server.pem", "-days", "2",
            "-extfile", f"{name}-server.ext", cwd=folder)
    with open(os.path.join(folder, f"{name}.pem"), encoding="utf-8") as f:
        return f.read()


def relay(secure, upstream):
    """Copies bytes both ways until either side closes."""

    def pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    back = threading.Thread(target=pump, args=(upstream, secure), daemon=True)
    back.start()
    pump(secure, upstream)
    back.join()
    secure.close()
    upstream.close()


class TlsFront:
    """HTTPS on 127.0.0.1:port, relayed to the plain HTTP server on 127.0.0.1:upstream_port.
    Counts the handshakes that succeeded and keeps the errors of those that failed (a client
    that did not trust the certificate)."""

    def __init__(self, folder, name, upstream_port):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(os.path.join(folder, f"{name}-server.pem"),
                                     os.path.join(folder, f"{name}-server.key"))
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshakes = 0
        self.failed_handshakes = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def before_tls(self, client):
        """A subclass's chance to speak plain HTTP first; False drops the connection."""
        return True

    def serve(self, client):
        if not self.before_tls(client):
            client.close()
            return
        try:
            secure = self.context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with self.lock:
                self.failed_handshakes.append(str(e))
            client.close()
            return
        with self.lock:
            self.handshakes += 1
        relay(secure, socket.create_connection(("127.0.0.1", self.upstream_port)))

    def close(self):
        self.listener.close()


class ConnectProxy(TlsFront):
    """An HTTPS_PROXY for clients that cannot be pointed at another endpoint: it answers
    CONNECT for any host, then plays that host with the test certificate (the client must
    trust the test CA, e.g. AWS_CA_BUNDLE) and relays to the local server. Records the hosts
    asked for."""

    def __init__(self, folder, name, upstream_port):
        super().__init__(folder, name, upstream_port)
        self.tunnels = []

    def before_tls(self, client):
        preamble = b""
        while b"\r\n\r\n" not in preamble:
            data = client.recv(4096)
            if not data:
                return False
            preamble += data
        request_line = preamble.split(b"\r\n", 1)[0].decode("latin-1")
        method, target = request_line.split(" ")[:2]
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return False
        with self.lock:
            self.tunnels.append(target)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        return True
