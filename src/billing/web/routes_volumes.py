"""Volumes handed over through the web: a CSV file or a workbook, taken in by
the same import as `billing volumes import`, all or nothing, for months not
yet billed; an agency user hands over its own agency's volumes only. The
problems are shown next to the rows they are about."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from billing.errors import DataError
from billing.web.render import page
from billing.web.security import Viewer, checked_viewer, viewer
from billing.web.uploads import received_volumes, shown_rows

router = APIRouter(include_in_schema=False)


@router.get("/volumes")
def volumes_form(request: Request, who: Viewer = Depends(viewer)) -> Response:
    return page(request, "volumes.html", who, result=None, problems=[], rows=[], file_name="")


@router.post("/volumes")
async def volumes_upload(request: Request, file: UploadFile = File(...),
                         who: Viewer = Depends(checked_viewer)) -> Response:
    content = await file.read()
    name = file.filename or "volymer.csv"
    try:
        result = received_volumes(request, who, name, content)
    except DataError as error:
        by_line: dict[int, list[str]] = defaultdict(list)
        unplaced = []
        for problem in error.problems:
            if problem.line is None:
                unplaced.append(str(problem))
            else:
                by_line[problem.line].append((f"{problem.field}: " if problem.field else "") + problem.message)
        return page(request, "volumes.html", who, 400, result=None, problems=unplaced,
                    rows=shown_rows(name, content, by_line), omitted=error.omitted, file_name=name)
    return page(request, "volumes.html", who, result=result, problems=[], rows=[], file_name=name)
