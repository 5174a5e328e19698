"""gunicorn for kis-portal.service: `gunicorn -c deploy/gunicorn.conf.py kis_portal.wsgi`.

Behind nginx (deploy/nginx/), which buffers request bodies: a worker only ever
waits for the app, never for a slow client. Change a value for one server
without editing this file in a systemd drop-in (`systemctl edit kis-portal`):
    [Service]
    Environment=GUNICORN_CMD_ARGS="--workers 5"
"""

bind = "127.0.0.1:8001"
# About 2 x cores + 1, bounded by memory (some 150 MB each).
workers = 3
# The app's own time for one request (a big report, a PDF), not the upload's.
timeout = 120
graceful_timeout = 30
# Recycle workers now and then (a slow leak never grows for weeks).
max_requests = 2000
max_requests_jitter = 200
# No control socket (gunicornc): systemd starts and stops the app, and the unit's
# ProtectSystem=strict leaves no writable $HOME/.gunicorn for it.
control_socket_disable = True
# One line per request on stdout (journald), with the id nginx gave the request.
# Method and path only: never the query string (%(r)s, %(q)s), which may hold a search.
accesslog = "-"
access_log_format = (
    '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
)
