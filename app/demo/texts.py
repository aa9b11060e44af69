"""Plausible declaration content for demo applications (a plan long enough to satisfy R1)."""

from __future__ import annotations

from ..models import User
from ..reference import Theme

_BACKGROUND = [
    "{county}位于全市城乡接合部，辖{streets}个街道（镇）、{communities}个城乡社区，常住人口约{people}万人。",
    "近年来，{county}坚持以党建引领基层治理，持续推进社区服务设施建设，社区综合服务设施覆盖率达到百分之百。",
    "全区已建成社区党群服务中心{communities}处，培育登记和备案社区社会组织{orgs}家，注册社区志愿者超过{vols}万人。",
    "同时也要看到，社区治理中仍存在居民参与渠道不够畅通、社区减负增效机制尚不健全、专业人才相对不足等问题。",
    "部分老旧小区物业管理缺位，流动人口服务管理压力较大，社区协商议事的制度化、规范化水平有待进一步提升。",
]
_GOALS = [
    "本实验以“{theme}”为主题，力争用两年时间形成一套可复制、可推广的制度成果。",
    "实验目标包括：社区党组织领导作用进一步增强，居民自治制度更加完善，社区服务供给更加精准高效。",
    "到实验期末，实现社区协商议事规则全覆盖，居民对社区服务满意度提升到百分之九十以上，形成三项以上制度性成果。",
    "通过实验，探索党建引领、多元共治、科技赋能相结合的城乡社区治理新路径，为全省提供可借鉴的经验。",
]
_MEASURES = [
    "第一阶段（启动部署）：成立实验区建设领导小组，制定实施方案和任务清单，明确责任单位和完成时限。",
    "第二阶段（全面推进）：围绕实验主题，在{pilot}个试点社区先行先试，建立议事协商、清单管理和评价反馈机制。",
    "第三阶段（总结提升）：对试点经验进行系统梳理，形成制度文本，在全区范围内推广，并接受省民政厅验收评审。",
    "重点任务之一是健全社区协商机制，规范议题征集、协商议事、结果公开和监督评议等环节。",
    "重点任务之二是推进社区减负增效，全面清理规范社区工作事项、机构牌子和证明材料，建立准入制度。",
    "重点任务之三是加强社区工作者队伍建设，完善职业体系和薪酬待遇，开展常态化专业培训。",
    "重点任务之四是推动智慧社区建设，整合政务服务、公共服务和便民服务资源，提升线上线下服务能力。",
]
_GUARANTEES = [
    "组织保障：成立由区委、区政府主要负责同志任组长的领导小组，民政部门具体负责日常协调推进。",
    "经费保障：区财政每年安排实验区建设专项经费{funds}万元，并积极争取上级资金和社会资金支持。",
    "智力保障：邀请指导专家全程参与方案制定和实施指导，与高校合作建立社区治理研究基地。",
    "宣传保障：通过政务新媒体、新闻媒体等渠道，及时总结宣传实验进展和成效，营造良好社会氛围。",
]


def _section(sentences: list[str], repeat: int, **values) -> str:
    paragraphs = []
    for round_no in range(repeat):
        filled = [s.format(**values) for s in sentences]
        paragraphs.append(f"（{round_no + 1}）" + "".join(filled))
    return "\n\n".join(paragraphs)


def demo_declaration(county: str, theme: Theme, experts: list[User]) -> dict:
    seed = sum(ord(c) for c in county)
    values = {
        "county": county,
        "theme": theme.title,
        "streets": 8 + seed % 9,
        "communities": 60 + seed % 90,
        "people": 40 + seed % 60,
        "orgs": 200 + seed % 300,
        "vols": 3 + seed % 7,
        "pilot": 5 + seed % 6,
        "funds": 300 + seed % 500,
    }
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
        "plan_background": _section(_BACKGROUND, 5, **values),
        "plan_theme_goals": _section(_GOALS, 5, **values),
        "plan_measures": _section(_MEASURES, 5, **values),
        "plan_guarantees": _section(_GUARANTEES, 5, **values),
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
