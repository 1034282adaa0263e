"""Static files for a browser context, fetched once: the test server sends them with no caching
headers, so without this every page would fetch the stylesheet and scripts again."""


def serve_static_from_memory(context):
    """Answer each ``/static/`` request of ``context`` from memory after its first fetch."""
    kept = {}

    def handle(route):
        url = route.request.url
        if url not in kept:
            kept[url] = context.request.get(url)
        route.fulfill(response=kept[url])

    context.route("**/static/**", handle)
