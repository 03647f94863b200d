"""The static files storage of production: hashed names, compressed copies, no source maps.

Vendored minified libraries (Chart.js) end with a ``sourceMappingURL`` comment naming a
map that is not shipped. Django's manifest storage rewrites those references and fails
on the missing file, so this storage leaves them as they are: a browser's developer
tools then find no map, and nothing else reads them.
"""

# WhiteNoise ships no type information (no py.typed); the class is used as it is.
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


def _without_source_maps(patterns: tuple) -> tuple:
    return tuple(
        (extension, tuple(p for p in rewrites if "sourceMappingURL" not in str(p)))
        for extension, rewrites in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
