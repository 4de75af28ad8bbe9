"""The public notice of the demo world, played through the real actions.

`play_notice(campaign, ...)` takes a campaign whose list is final-approved (PUBLIC_NOTICE, a
`FinalApproval`, the approved nominations SELECTED) and plays its notice from `starts_on`
(a working day, at most a few working days ago) with the clock moved (time-machine, like the
selection demo): the notice drafted, every summary approved, the contacts given, scheduled so
that it opened on its first day; a handler named; objections filed on the following days in
every state a visitor of the demo should see:

1. received, not triaged yet (a person, under their real name);
2. under investigation, with a note and a written explanation asked of the nominee's unit
   and answered;
3. under investigation, waiting for the unit's explanation;
4. concluded unfounded and replied;
5. not admitted (no concrete facts) and replied;
6. from a unit under its seal, received.

The notice stays open (its period runs on), so nothing is confirmed and the demo officer can
still see how it closes. Idempotent: a campaign that already has its notice is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO

from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.core import calendar
from jiangxin.core.demo import at
from jiangxin.core.idnumbers import check_character
from jiangxin.nominations.models import Nomination
from jiangxin.notices import actions
from jiangxin.notices.models import NoticeEntry, Objection, PublicNotice
from jiangxin.programs.models import Campaign, CampaignStaff

CONTACT = (
    "联系电话：010-68592114（工作日 9:00—17:00）\n"
    "通信地址：北京市西城区复兴门外大街10号 中华全国总工会劳动和经济工作部（邮编100865）\n"
    "电子邮箱：gongjiang-gongshi@example.cn"
)

#: A tiny well-formed PDF (the seal letter and the files of the demo objections).
_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _officer(campaign: Campaign) -> User:
    grant = (
        RoleGrant.objects.filter(
            organization_id=campaign.issuing_org_id,
            role=Role.PROGRAM_OFFICER,
            revoked_at__isnull=True,
        )
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if grant is None:
        raise ValueError(f"campaign {campaign.pk} has no program officer")
    return grant.user


def _file(notice: PublicNotice, entry: NoticeEntry, facts: str, **answers: str) -> Objection:
    draft, _token = actions.do_start_objection(notice_id=notice.pk, entry_id=entry.pk)
    if answers.get("kind") == "unit":
        actions.do_add_draft_file(
            draft=draft,
            kind="seal_letter",
            name="单位情况反映函.pdf",
            stream=BytesIO(_PDF),
            size=len(_PDF),
        )
    actions.do_save_draft_answers(draft=draft, answers={"facts": facts, **answers})
    return actions.do_file_objection(draft_id=draft.pk)[0]


def _person(name: str, phone: str, birth: str, seq: int) -> dict[str, str]:
    """A fictitious objector (the 13800138xxx test range, a well-formed ID number)."""
    first17 = f"130102{birth}{seq:03d}"
    return {
        "kind": "person",
        "name": name,
        "phone": phone,
        "id_number": first17 + check_character(first17),
    }


def _schedule(campaign: Campaign, officer: User, handler: User, day: dt.date) -> PublicNotice:
    """The notice drafted, every summary approved, the contacts given and scheduled on `day`
    (it opens at once when its first day has come); `handler` named for the objections."""
    with at(day, 9):
        if not CampaignStaff.objects.filter(
            campaign=campaign, user=handler, duty=CampaignStaff.Duty.OBJECTION_HANDLER
        ).exists():
            actions.do_name_handler(
                acting_user=officer, campaign_id=campaign.pk, user_id=handler.pk, active=True
            )
        notice = actions.do_create_notice(
            acting_user=officer, campaign_id=campaign.pk, starts_on=day
        )
        actions.do_update_notice(
            acting_user=officer, notice_id=notice.pk, changes={"contact": CONTACT}
        )
        for entry in notice.entries.all():
            actions.do_approve_summary(
                acting_user=officer, entry_id=entry.pk, text=entry.approved_summary
            )
        return actions.do_schedule_notice(acting_user=officer, notice_id=notice.pk)


def play_quiet_notice(campaign: Campaign, *, starts_on: dt.date) -> PublicNotice:
    """A past notice without objections: scheduled, opened and closed by the daily job at its
    stated times (the listed nominees confirmed). Idempotent."""
    from jiangxin.notices.scheduled import open_and_close_notices

    existing = PublicNotice.objects.filter(campaign=campaign, kind="main").first()
    if existing is not None:
        return existing
    officer = _officer(campaign)
    notice = _schedule(campaign, officer, officer, starts_on)
    for moment in (notice.opens_at, notice.closes_at):
        if moment is None:  # pragma: no cover - a scheduled notice has both
            raise RuntimeError(f"notice {notice.pk} is scheduled without its stated times")
        with at(moment + dt.timedelta(minutes=5)):
            open_and_close_notices(moment + dt.timedelta(minutes=5))
    notice.refresh_from_db()
    return notice


def play_notice(
    campaign: Campaign,
    *,
    starts_on: dt.date,
    handler: User | None = None,
    unit_user: Callable[[Nomination], User] | None = None,
) -> PublicNotice:
    """Play the campaign's notice from `starts_on` (see the module docstring). `handler`
    (default: the campaign's first program officer) is named to handle the objections;
    `unit_user(nomination)` (default: nobody) is the user of the nominee's unit who answers
    one explanation request."""
    existing = PublicNotice.objects.filter(campaign=campaign, kind="main").first()
    if existing is not None:
        return existing
    officer = _officer(campaign)
    handler = handler or officer
    day = (
        starts_on if calendar.is_working_day(starts_on) else calendar.add_working_days(starts_on, 1)
    )
    notice = _schedule(campaign, officer, handler, day)
    entries = list(notice.public_entries())
    if not entries:
        return notice
    pick = lambda i: entries[i % len(entries)]  # noqa: E731 - a short local helper

    with at(day, 15):
        _file(
            notice,
            pick(0),
            "该同志申报材料中所列“某型焊接工艺”获奖项目，实际主要完成人为同班组其他职工，"
            "申报人仅参与部分试验工作。",
            **_person("孙建国", "13800138901", "19680512", 345),
        )
    later = calendar.add_working_days(day, 1)
    with at(later, 10):
        investigating = _file(
            notice,
            pick(1),
            "申报材料称其带徒32人，据了解其中多人并非其本人带教，请核实师徒名单。",
            **_person("周立新", "13800138902", "19720315", 456),
        )
        actions.do_triage_objection(
            acting_user=handler,
            objection_id=investigating.pk,
            admit=True,
            note="反映事项具体，予以受理。",
        )
        actions.do_add_objection_note(
            acting_user=handler,
            objection_id=investigating.pk,
            text="已调取近五年师带徒协议及技能等级晋升记录，与申报名单逐一比对。",
            uploads=[("师带徒协议汇总.pdf", BytesIO(_PDF), len(_PDF))],
        )
        request = actions.do_request_explanation(
            acting_user=handler,
            objection_id=investigating.pk,
            question="请就申报材料所列32名徒弟的带教关系逐一作出书面说明，并附师带徒协议。",
            due_on=calendar.add_working_days(later, 2),
        )
        if unit_user is not None:
            actions.do_answer_explanation(
                acting_user=unit_user(pick(1).nomination),
                request_id=request.pk,
                answer="经核查，32名徒弟均签订师带徒协议，其中3人为跨班组带教，已附协议复印件。",
                uploads=[("师带徒协议.pdf", BytesIO(_PDF), len(_PDF))],
            )
        waiting = _file(
            notice,
            pick(2),
            "其申报的发明专利第一发明人另有其人，申报人排名第三。",
            **_person("吴敏", "13800138903", "19801120", 567),
        )
        actions.do_triage_objection(acting_user=handler, objection_id=waiting.pk, admit=True)
        actions.do_request_explanation(
            acting_user=handler,
            objection_id=waiting.pk,
            question="请说明申报材料所列发明专利的发明人排序及申报人的实际贡献。",
            due_on=calendar.add_working_days(later, 3),
        )
        unfounded = _file(
            notice,
            pick(0),
            "听说该同志的高级技师证书是托关系取得的。",
            **_person("郑华", "13800138904", "19750708", 678),
        )
        actions.do_triage_objection(acting_user=handler, objection_id=unfounded.pk, admit=True)
        actions.do_conclude_objection(
            acting_user=handler,
            objection_id=unfounded.pk,
            conclusion="unfounded",
            reasons="经向人力资源社会保障部门核实，其高级技师证书经统一考核取得，程序合规。",
        )
        actions.do_reply_to_complainant(
            acting_user=handler,
            objection_id=unfounded.pk,
            text="经向发证机关核实，所反映的问题不属实。感谢您对大国工匠人才培育工程的关心和监督。",
        )
        vague = _file(
            notice,
            pick(1),
            "我觉得这个人不够格，群众意见很大。",
            **_person("王小丽", "13800138905", "19900214", 789),
        )
        actions.do_triage_objection(
            acting_user=handler,
            objection_id=vague.pk,
            admit=False,
            note="未反映具体事实，无法核查。",
        )
        actions.do_reply_to_complainant(
            acting_user=handler,
            objection_id=vague.pk,
            text="您的来信未反映具体事实，按规定不予受理。如有具体情况，欢迎在公示期内实名补充反映。",
        )
        _file(
            notice,
            pick(2),
            "该同志所在班组2025年发生一起一般生产安全事故，申报材料未如实说明。",
            kind="unit",
            unit_name="某装备制造有限公司安全环保部",
            contact_name="冯强",
            phone="0311-86012345",
        )
    notice.refresh_from_db()
    return notice
