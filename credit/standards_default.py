"""The default 2025 evaluation standards (100 points each), written by a data migration and
used by the demo. Staff edit them in the admin; a standard used by a rating is locked and
further changes go into a new version."""

EVENT_POINTS = {"minor": 2, "general": 5, "serious": 10}

ENTERPRISE_2025 = {
    "title": "家政企业信用评价标准",
    "description": "依据《舟曲县“信易+家政”工作实施方案》，从经营合规、服务质量、客户口碑、"
    "履约守信四个维度评价，满分100分。",
    "indicators": [
        (
            "compliance",
            "E-C1",
            "证照齐全有效",
            10,
            "document_validity",
            {"documents": "qualifications"},
            "持有有效营业执照得分；其他资质证照按有效比例计分，无有效营业执照不得分。",
        ),
        (
            "compliance",
            "E-C2",
            "从业人员持有效健康证",
            10,
            "staff_health",
            {"empty": 0.5},
            "按在职人员中持有效健康证的比例计分。",
        ),
        (
            "compliance",
            "E-C3",
            "无行政处罚",
            10,
            "event_deduction",
            {"kinds": ["penalty"], "points": EVENT_POINTS},
            "年度内每受到一次行政处罚，轻微扣2分、一般扣5分、严重扣10分，扣完为止。",
        ),
        (
            "quality",
            "E-Q1",
            "监督抽查合格",
            10,
            "event_deduction",
            {"kinds": ["spot_failed"], "points": EVENT_POINTS},
            "年度内每次抽查不合格，按严重程度扣2/5/10分。",
        ),
        (
            "quality",
            "E-Q2",
            "从业人员培训",
            10,
            "training_hours",
            {"target": 24},
            "在职人员年度人均培训学时达到24学时得满分，不足按比例计分。",
        ),
        (
            "quality",
            "E-Q3",
            "档案完整及时更新",
            5,
            "completeness",
            {},
            "按企业档案完整度计分（含12个月内核实）。",
        ),
        (
            "reputation",
            "E-R1",
            "服务评价",
            15,
            "review_average",
            {"min_reviews": 3, "default_ratio": 0.8},
            "居民服务评价平均分（1–5分）折算；评价少于3条的按80%计分。",
        ),
        (
            "reputation",
            "E-R2",
            "投诉属实情况",
            10,
            "event_deduction",
            {"kinds": ["complaint"], "points": EVENT_POINTS},
            "年度内每件属实投诉按严重程度扣2/5/10分。",
        ),
        (
            "commitment",
            "E-P1",
            "投诉按时处理",
            8,
            "event_deduction",
            {"kinds": ["complaint_late"], "points": {"minor": 2, "general": 2, "serious": 4}},
            "未按期答复或处理投诉，每次扣2分（严重的扣4分）。",
        ),
        (
            "commitment",
            "E-P2",
            "无合同纠纷及其他失信行为",
            7,
            "event_deduction",
            {"kinds": ["dispute", "other_negative", "report"], "points": EVENT_POINTS},
            "经认定的合同纠纷、属实举报或其他失信行为，按严重程度扣2/5/10分。",
        ),
        (
            "commitment",
            "E-P3",
            "表彰奖励与守信表现",
            5,
            "event_bonus",
            {"kinds": ["award", "spot_passed", "other_positive"], "points_per_event": 2.5},
            "获得表彰、抽查合格等守信表现每项加2.5分，最高5分。",
        ),
    ],
}

WORKER_2025 = {
    "title": "家政从业人员信用评价标准",
    "description": "对在舟曲县从事家政服务的人员进行信用评价，满分100分。",
    "indicators": [
        (
            "compliance",
            "W-C1",
            "持有效健康证",
            15,
            "document_validity",
            {"documents": "health"},
            "持有效健康证得满分。",
        ),
        (
            "compliance",
            "W-C2",
            "无犯罪记录核查通过",
            15,
            "document_validity",
            {"documents": "background"},
            "最近一次无犯罪记录核查通过得满分。",
        ),
        (
            "quality",
            "W-Q1",
            "年度培训学时",
            15,
            "training_hours",
            {"target": 24},
            "年度培训达到24学时得满分，不足按比例计分。",
        ),
        (
            "quality",
            "W-Q2",
            "职业技能等级证书",
            5,
            "document_validity",
            {"documents": "skills"},
            "持有职业技能等级证书得满分。",
        ),
        (
            "quality",
            "W-Q3",
            "档案完整及时更新",
            10,
            "completeness",
            {},
            "按个人档案完整度计分（含12个月内核实）。",
        ),
        (
            "reputation",
            "W-R1",
            "服务评价",
            15,
            "review_average",
            {"min_reviews": 3, "default_ratio": 0.8},
            "居民服务评价平均分（1–5分）折算；评价少于3条的按80%计分。",
        ),
        (
            "reputation",
            "W-R2",
            "投诉属实情况",
            10,
            "event_deduction",
            {"kinds": ["complaint"], "points": EVENT_POINTS},
            "年度内每件属实投诉按严重程度扣2/5/10分。",
        ),
        (
            "commitment",
            "W-P1",
            "无合同纠纷及其他失信行为",
            10,
            "event_deduction",
            {"kinds": ["dispute", "other_negative", "report"], "points": EVENT_POINTS},
            "经认定的合同纠纷、属实举报或其他失信行为，按严重程度扣2/5/10分。",
        ),
        (
            "commitment",
            "W-P2",
            "表彰奖励",
            5,
            "event_bonus",
            {"kinds": ["award", "other_positive"], "points_per_event": 2.5},
            "获得表彰等守信表现每项加2.5分，最高5分。",
        ),
    ],
}

VETOES = [
    ("key_list", {}, "列入严重失信重点管理名单"),
    ("event", {"kinds": ["complaint"], "tags": ["人身安全"]}, "存在涉及人身安全的属实投诉"),
    ("event", {"kinds": ["penalty"], "tags": ["欺诈"]}, "因欺诈行为受到行政处罚"),
]

DEFAULT_STANDARDS = {"enterprise": ENTERPRISE_2025, "worker": WORKER_2025}


def create_default_standards(EvaluationStandard, Indicator, VetoRule, year: int = 2025) -> None:
    """Create (once) the active enterprise and worker standards for `year`."""
    for subject_type, definition in DEFAULT_STANDARDS.items():
        standard, created = EvaluationStandard.objects.get_or_create(
            year=year,
            subject_type=subject_type,
            version=1,
            defaults={
                "title": definition["title"],
                "description": definition["description"],
                "status": "active",
                "change_note": "初始版本",
            },
        )
        if not created:
            continue
        for order, (dimension, code, name, weight, rule, params, text) in enumerate(
            definition["indicators"], start=1
        ):
            Indicator.objects.create(
                standard=standard, dimension=dimension, code=code, name=name, weight=weight,
                rule=rule, params=params, description=text, sort_order=order,
            )  # fmt: skip
        for kind, params, description in VETOES:
            VetoRule.objects.create(
                standard=standard, kind=kind, params=params, description=description
            )
