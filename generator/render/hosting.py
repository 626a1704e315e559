"""_headers for Netlify and Cloudflare Pages: a Content-Security-Policy the default theme
satisfies, and the usual hardening headers. docs/security.md has the nginx equivalent."""

from __future__ import annotations

from collections.abc import Iterator

from generator.render.outputs import Output, Site
from generator.render.sanitize import DEFAULT_EMBEDS


def content_security_policy(embeds: tuple[str, ...]) -> str:
    frames = " ".join(f"https://{host}" for host in embeds) or "'none'"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",  # Pagefind's search runs WebAssembly
        "style-src 'self' 'unsafe-inline'",  # email versions carry inline styles
        "img-src 'self' https: data:",
        "media-src 'self' https:",
        f"frame-src {frames}",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


def render(site: Site) -> Iterator[Output]:
    config = site.hub.config
    if not config.headers:
        return
    embeds = config.embeds or DEFAULT_EMBEDS
    lines = [
        "/*",
        f"  Content-Security-Policy: {content_security_policy(embeds)}",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=()",
        "",
        f"{config.base_path}rituals.ics",
        "  Content-Type: text/calendar; charset=utf-8",
        f"{config.base_path}feed.json",
        "  Content-Type: application/feed+json; charset=utf-8",
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    yield site.output("_headers", ("headers", data), lambda _: data)  # from hub.yaml alone
