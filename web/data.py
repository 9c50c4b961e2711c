"""The open-data releases (#17): the /data/ page, the machine-readable index and the files.

The page lists every release, newest first, with each file's size and SHA-256, and
describes the newest as a schema.org `Dataset` with one `DataDownload` per file, typed
as DCAT too (dcat:Dataset, dcat:Distribution, checksums as spdx:checksum, as DCAT 3
does) so that catalogue harvesters read it.
Files are served from the release storage (curation.releases) by this view, so that a
deployment's private bucket works as well as the local disk.
"""

import mimetypes

from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from curation.models import Release
from curation.releases import release_path, release_storage

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".graphml": "application/graphml+xml",
    "SHA256SUMS": "text/plain",
}


def media_type(name: str) -> str:
    for ending, kind in MEDIA_TYPES.items():
        if name.endswith(ending):
            return kind
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def file_url(request: HttpRequest, release: Release, name: str) -> str:
    return request.build_absolute_uri(
        reverse("data:file", kwargs={"version": release.version, "filename": name})
    )


def release_entry(request: HttpRequest, release: Release) -> dict:
    return {
        "version": release.version,
        "created_at": release.created_at.isoformat(timespec="seconds"),
        "change_set_high_water": release.change_set_high_water,
        "counts": release.counts,
        "files": [
            {
                "name": f["name"],
                "url": file_url(request, release, f["name"]),
                "bytes": f["bytes"],
                "sha256": f["sha256"],
                "mediatype": media_type(f["name"]),
            }
            for f in release.files
        ],
    }


DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"


def catalog(request: HttpRequest, releases: list[Release]) -> dict | None:
    """schema.org Dataset + DataDownload for the newest release, typed as DCAT too.

    The context stays schema.org's alone, as on every page; DCAT, Dublin Core and SPDX
    terms are written as full IRIs, which JSON-LD reads without a prefix."""
    if not releases:
        return None
    latest = releases[0]
    page = request.build_absolute_uri(reverse("data:index"))
    return {
        "@context": "https://schema.org",
        "@type": ["Dataset", f"{DCAT}Dataset"],
        "@id": page,
        "url": page,
        "name": _("Lattice: the directory of transgovernmental networks"),
        "description": _(
            "Every network, institution, membership, memorandum, meeting and source in "
            "Lattice, as CSV tables with a Data Package descriptor, Popolo JSON, a GraphML "
            "graph of the networks and the changes since the previous release."
        ),
        "version": latest.version,
        "datePublished": releases[-1].created_at.isoformat(timespec="seconds"),
        "dateModified": latest.created_at.isoformat(timespec="seconds"),
        f"{DCT}issued": releases[-1].created_at.isoformat(timespec="seconds"),
        f"{DCT}modified": latest.created_at.isoformat(timespec="seconds"),
        "distribution": [
            {
                "@type": ["DataDownload", f"{DCAT}Distribution"],
                "name": f["name"],
                "contentUrl": f["url"],
                f"{DCAT}downloadURL": {"@id": f["url"]},
                "encodingFormat": f["mediatype"],
                f"{DCAT}mediaType": f["mediatype"],
                "contentSize": str(f["bytes"]),
                f"{DCAT}byteSize": f["bytes"],
                f"{SPDX}checksum": {
                    "@type": f"{SPDX}Checksum",
                    f"{SPDX}algorithm": {"@id": f"{SPDX}checksumAlgorithm_sha256"},
                    f"{SPDX}checksumValue": f["sha256"],
                },
            }
            for f in release_entry(request, latest)["files"]
        ],
    }


class DataView(ListView):
    template_name = "web/data.html"
    context_object_name = "releases"

    def get_queryset(self):
        return Release.objects.all()  # newest first (Meta.ordering)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        releases = list(context["releases"])
        context["entries"] = [
            release_entry(self.request, r)
            | {"built": r.created_at, "changes_url": file_url(self.request, r, "changes.csv")}
            for r in releases
        ]
        context["json_ld"] = catalog(self.request, releases)
        return context


def release_index(request: HttpRequest) -> JsonResponse:
    """Every release, newest first, with its files' addresses, sizes and checksums."""
    releases = Release.objects.all()  # newest first (Meta.ordering)
    return JsonResponse({"releases": [release_entry(request, r) for r in releases]})


def release_file(request: HttpRequest, version: str, filename: str) -> FileResponse:
    release = get_object_or_404(Release, version=version)
    if release.file(filename) is None:  # only the files the release lists
        raise Http404(_("No such file in this release."))
    handle = release_storage().open(release_path(version, filename), "rb")
    response = FileResponse(handle, as_attachment=False, content_type=media_type(filename))
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # A release never changes: its files can be cached for good.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
