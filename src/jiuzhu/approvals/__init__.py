"""Maker-checker for anything that moves money: one review flow for every subject.

- ``services``: the rounds. ``open_round`` on submission (thresholds from ``ApprovalRule`` by area, subject, fund
  and amount), ``add_approval`` / ``add_return`` (the makers refused, a checker counted once), ``round_state``.
- ``review``: the flow. ``review.approve(obj, actor, ip=…)`` / ``review.return_(obj, actor, reason=…, ip=…)``
  lock the object, check the reviewer, add the round's step, move the subject on (approved once the round is
  complete and the object still fits; returned with the reason) and write the one audit record.
  ``review.panel(obj, user)`` is what ``{% include "approvals/_review.html" %}`` shows: who approved, how many
  more, and the approve / return buttons for those who may use them. One view pair serves every subject:
  ``approvals:approve`` / ``approvals:return`` (POST, ``subject`` key and ``pk``; a foreign object is 404, a user
  who may not review it 403).

Subjects so far: allocation plans (``allocation/review.py``), ledger registrations and import batches
(``ledger/review.py``). A new subject costs about twenty lines, declared once in its app's ``review.py`` (found by
``ApprovalsConfig.ready``); declaring the class registers it, its label included:

    class MonthlyReportReview(Subject[MonthlyReport]):
        key, label, model = "reports.monthly", "月度跟踪反馈表", MonthlyReport
        permission, audit = "reports.approve", "reports.monthly_"  # → …_approve, …_approve_partial, …_return
        returned_message = "已退回填报人修改"

        def makers(self, report):
            return super().makers(report) | {report.created_by_id}

        def on_approve(self, report, actor):
            report.status, report.approved_at = "approved", timezone.now()
            report.save(update_fields=["status", "approved_at"])

        def on_return(self, report, actor, reason):
            report.status, report.return_reason = "returned", reason
            report.save(update_fields=["status", "return_reason"])
            return {}

        def entity(self, report):
            return f"{report.region.short_name} {report.month}"

        def page(self, report):
            return reverse("reports:detail", args=[report.pk])

The defaults (``review.Subject``) fit an object with a ``status`` that is ``"submitted"`` while it waits and a
``region`` (else set ``region_via``): it is visible within the user's area, its checker holds ``permission``
there, its makers are everyone who submitted it, nothing more is checked on approval (else ``fits``);
``on_approve``, ``on_return`` and ``page`` have no default (abstract: a subject without them is refused when
it is declared). Its submit service calls ``services.open_round(subject="reports.monthly", object_id=…,
actor=…, region=…, fund=…, amount=…)`` inside its transaction, its page passes ``review.panel(report,
request.user)`` as ``review``, and its url cases go to ``tests/approvals/url_cases.py``.
"""
