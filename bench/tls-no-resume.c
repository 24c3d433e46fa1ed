/*
 * LD_PRELOAD shim for wrk: every new connection does a full TLS handshake.
 *
 * wrk keeps one SSL object per connection and, on reconnect, only SSL_clear()s
 * it, which keeps the session, so the next SSL_connect() resumes it. The
 * kube-apiserver does not resume sessions with webhooks, so a
 * connection-per-request benchmark must pay for the full handshake. Tickets
 * are still accepted (the apiserver's Go client accepts them too), so the
 * server still does the work of issuing them; they are just never used.
 *
 * Build: cc -shared -fPIC -O2 -o tls-no-resume.so tls-no-resume.c -ldl
 * Use:   LD_PRELOAD=./tls-no-resume.so wrk -H 'Connection: close' ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ssl.h>

typedef int (*ssl_connect_fn)(SSL *);

int SSL_connect(SSL *ssl)
{
    static ssl_connect_fn real_connect;
    if (!real_connect)
        real_connect = (ssl_connect_fn)dlsym(RTLD_NEXT, "SSL_connect");

    /* wrk calls SSL_connect again while a non-blocking handshake is under
     * way; only forget the session before the handshake has started. */
    if (SSL_in_before(ssl))
        SSL_set_session(ssl, NULL);
    return real_connect(ssl);
}
