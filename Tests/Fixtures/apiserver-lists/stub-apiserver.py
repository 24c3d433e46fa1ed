#!/usr/bin/env python3
"""Serves the captured list responses of this folder over HTTPS as kube-apiserver does, for the end-to-end
tests of `capguard audit`: pods in two pages joined by a continue token, every workload list, 401 for any token
but the one given, 404 for anything else. Prints the port it listens on (127.0.0.1, chosen by the kernel),
logs each request line to stderr, and stops when stdin closes or after two minutes."""
import http.server, json, os, ssl, sys, threading, urllib.parse

certificate, key, token = sys.argv[1], sys.argv[2], sys.argv[3]
here = os.path.dirname(os.path.abspath(__file__))
LISTS = {"pods": "pods-page1.json", "deployments": "deployments.json", "replicasets": "replicasets.json",
         "cronjobs": "cronjobs.json", "jobs": "jobs.json"}
EMPTY = {"statefulsets": "StatefulSetList", "daemonsets": "DaemonSetList",
         "replicationcontrollers": "ReplicationControllerList"}


def read(name):
    with open(os.path.join(here, name), "rb") as file:
        return file.read()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        sys.stderr.write("GET %s\n" % self.path)
        sys.stderr.flush()
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.answer(401, read("status-401.json"))
        resource = url.path.rstrip("/").split("/")[-1]
        if resource == "pods" and "continue" in query:
            # The captured second page still points at a third, which was not captured: end the list here.
            page = json.loads(read("pods-page2.json"))
            page["metadata"].pop("continue", None)
            page["metadata"].pop("remainingItemCount", None)
            return self.answer(200, json.dumps(page, indent=2).encode())
        if resource in LISTS:
            return self.answer(200, read(LISTS[resource]))
        if resource in EMPTY:
            body = {"kind": EMPTY[resource], "apiVersion": "v1", "metadata": {"resourceVersion": "775"}, "items": []}
            return self.answer(200, json.dumps(body).encode())
        self.answer(404, b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}')

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(certificate, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
stopped = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stopped.set()), daemon=True).start()
stopped.wait(120)
server.shutdown()
