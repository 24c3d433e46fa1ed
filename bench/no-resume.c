// Preloaded into wrk so every reconnect is a full TLS handshake, as the apiserver's is after it drops a
// connection: wrk keeps the previous session on SSL_clear and would otherwise resume it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ssl.h>

int SSL_set_session(SSL *ssl, SSL_SESSION *session) {
    static int (*real)(SSL *, SSL_SESSION *);
    if (!real) {
        real = (int (*)(SSL *, SSL_SESSION *))dlsym(RTLD_NEXT, "SSL_set_session");
    }
    return session == NULL ? real(ssl, NULL) : 1;
}

int SSL_clear(SSL *ssl) {
    static int (*real)(SSL *);
    if (!real) {
        real = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_clear");
    }
    int result = real(ssl);
    SSL_set_session(ssl, NULL);
    return result;
}
