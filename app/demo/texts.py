"""Plausible declaration content for demo applications (a plan long enough to satisfy R1)."""

from __future__ import annotations

import random

from ..models import User
from ..reference import Theme

# A plan's sentences are composed clause by clause, each clause picked per county: two counties'
# plans on the same theme then read alike (as real ones do) without sharing whole passages, which the
# plan similarity check would rightly flag as copied (see ``copied_plan`` for a plan that does).
_WHO = [
    "{county}",
    "区委区政府",
    "各街道（镇）党工委",
    "区民政局",
    "社区党组织",
    "实验区建设领导小组",
    "各试点社区",
    "区直有关部门",
    "社区居民委员会",
    "驻区企事业单位",
    "区委组织部",
    "各镇（街道）",
]
_HOW = [
    "坚持问题导向",
    "立足群众需求",
    "对照实验任务清单",
    "按照“先试点、后推广”的思路",
    "结合老旧小区改造",
    "依托新时代文明实践站",
    "围绕居民急难愁盼问题",
    "运用网格化管理手段",
    "借助“互联网+”平台",
    "统筹城乡区域发展",
    "以项目化方式推进",
    "坚持党建引领",
    "聚焦实验主题",
]
_WHAT = [
    "建立健全居民议事协商制度",
    "完善社区工作事项准入清单",
    "推行社区工作者积分考核办法",
    "组建{n}支专业社会工作服务队伍",
    "打造{n}个“一刻钟便民生活圈”",
    "开展“红色物业”创建活动",
    "设立社区治理创新基金{m}万元",
    "推动政务服务事项下沉社区",
    "培育孵化社区社会组织{m}家",
    "搭建“社区吹哨、部门报到”工作平台",
    "推广“楼长+单元长”自治模式",
    "实施社区减负增效专项行动",
    "建设智慧社区综合信息平台",
    "新建改建社区综合服务设施{n}处",
    "健全村（居）务监督委员会工作机制",
    "修订完善{n}个社区的居民公约",
]
_WHY = [
    "切实提升居民的获得感和幸福感",
    "有效破解基层治理“最后一公里”难题",
    "形成共建共治共享的良好格局",
    "确保各项任务按期落地见效",
    "推动社区治理从“管理”向“服务”转变",
    "使居民参与率提高到百分之{p}以上",
    "力争在{year}年底前实现全覆盖",
    "为全省提供可复制可推广的经验",
    "进一步增强社区党组织的凝聚力",
    "让群众办事更加便捷高效",
    "夯实基层治理的组织基础",
    "推动形成一批制度性成果",
]
_OPENINGS = {
    "plan_background": "{county}位于全市城乡接合部，辖{streets}个街道（镇）、{communities}个城乡社区，"
    "常住人口约{people}万人。",
    "plan_theme_goals": "本实验以“{theme}”为主题，力争用两年时间形成一套可复制、可推广的制度成果。",
    "plan_measures": "第一阶段（启动部署）：成立实验区建设领导小组，制定实施方案和任务清单，"
    "明确责任单位和完成时限。",
    "plan_guarantees": "组织保障：成立由区委、区政府主要负责同志任组长的领导小组，"
    "民政部门具体负责日常协调推进。"
    "经费保障：区财政每年安排实验区建设专项经费{funds}万元，并积极争取上级资金和社会资金支持。"
    "宣传保障：通过政务新媒体、新闻媒体等渠道，及时总结宣传实验进展和成效，营造良好社会氛围。",
}


# Each county writes in its own words: a plan picks one wording of each of these once, as an author
# would, so two plans share few runs of characters beyond what they both quote.
_WORDINGS = [
    ("建立", "构建", "形成", "确立"),
    ("完善", "健全", "优化", "改进"),
    ("推动", "推进", "促进", "带动"),
    ("提升", "提高", "增强", "强化"),
    ("居民", "群众", "住户", "居民群众"),
    ("机制", "制度", "办法", "体系"),
    ("开展", "组织", "实施", "举办"),
    ("平台", "载体", "阵地", "窗口"),
    ("打造", "建成", "培育", "塑造"),
    ("服务", "帮扶", "保障", "供给"),
    ("有效", "切实", "充分", "真正"),
    ("进一步", "持续", "不断", "更加"),
    ("治理", "管理", "共治", "善治"),
    ("基层", "一线", "末端", "属地"),
    ("专项", "系统", "集中", "全面"),
    ("格局", "局面", "态势", "氛围"),
    ("经验", "做法", "模式", "路径"),
    ("问题", "难点", "短板", "症结"),
    ("推广", "复制", "铺开", "普及"),
]


def _wording(rng: random.Random) -> dict[str, str]:
    return {words[0]: rng.choice(words) for words in _WORDINGS}


def _in_own_words(text: str, wording: dict[str, str]) -> str:
    for word, chosen in wording.items():
        text = text.replace(word, chosen)
    return text


def _sentence(rng: random.Random, county: str) -> str:
    numbers = {"n": rng.randint(3, 30), "m": rng.randint(20, 500), "p": rng.randint(60, 95)}
    numbers["year"] = rng.choice([2027, 2028])
    who, how, what, why = (rng.choice(bank) for bank in (_WHO, _HOW, _WHAT, _WHY))
    return f"{who.format(county=county)}{how}，{what.format(**numbers)}，{why.format(**numbers)}。"


def plan_sections(county: str, values: dict, rng: random.Random) -> dict[str, str]:
    """The four sections of a plan (over 4,000 characters): five paragraphs each, composed by ``rng``."""
    sections = {}
    wording = _wording(rng)
    for section, opening in _OPENINGS.items():
        paragraphs = [opening.format(county=county, **values)]
        for round_no in range(5):
            sentences = "".join(_in_own_words(_sentence(rng, county), wording) for _ in range(5))
            paragraphs.append(f"（{round_no + 1}）{sentences}")
        sections[section] = "\n\n".join(paragraphs)
    return sections


def copied_plan(
    county: str, own: dict[str, str], source_county: str, source: dict[str, str]
) -> dict[str, str]:
    """``own`` plan with the background and measures sections of ``source`` (another county's), the
    county's name put in: the plan the similarity check should flag."""
    copied = dict(own)
    for section in ("plan_background", "plan_measures"):
        copied[section] = source[section].replace(source_county, county)
    return copied


def demo_declaration(county: str, theme: Theme, experts: list[User]) -> dict:
    seed = sum(ord(c) for c in county)
    values = {
        "theme": theme.title,
        "streets": 8 + seed % 9,
        "communities": 60 + seed % 90,
        "people": 40 + seed % 60,
        "pilot": 5 + seed % 6,
        "funds": 300 + seed % 500,
    }
    plan = plan_sections(county, values, random.Random(f"{county}|{theme.code}"))
    return {
        "theme_source": "reference",
        "theme_code": theme.code,
        "theme_title": theme.title,
        "kind": theme.kind,
        "period_start": "2026-09",
        "period_end": "2028-06",
        "experts": [
            {
                "name": e.display_name,
                "committee": e.committee,
                "title": e.title or "",
                "contact": "0531-86150000",
                "username": e.username,
            }
            for e in experts
        ],
        "department": f"{county}民政局",
        "lead_name": "张明",
        "lead_post": "基层政权建设和社区治理科科长",
        "lead_office_phone": "0531-86150001",
        "lead_mobile": "13800000000",
        "email": "sqzl@example.gov.cn",
        "zone_summary": f"{county}是全省较早开展社区治理创新的地区之一，工作基础扎实。",
        "experiment_summary": f"围绕“{theme.title}”开展为期两年的实验。",
        **plan,
    }


# A minimal well-formed PDF: what an applicant's scanned 申报表 is to the system.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# What a city writes when it recommends a zone: its evaluation and support measures.
CITY_EVALUATION = {
    "evaluation_foundation": "该区社区治理工作基础扎实，具备开展实验的条件。",
    "evaluation_theme_measures": "实验主题明确，举措具体可行。",
    "evaluation_guidance": "市民政局全程参与指导实验方案制定。",
    "support_policy": "将实验区建设纳入全市社区治理重点工作。",
    "support_funding": "市级财政安排专项补助资金 100 万元。",
    "support_projects": "优先安排社区服务设施建设项目。",
}
