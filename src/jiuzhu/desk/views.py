from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.allocation.selectors import visible_plans
from jiuzhu.monitoring.selectors import due_findings


def home(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user)[:10]
    return render(request, "desk/home.html", {"plans": plans, **due_findings(request.user)})
