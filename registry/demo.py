"""Believable demo people for 舟曲县: Han and Tibetan names, deterministic per seed."""

import random

HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
HAN_GIVEN = [
    "建国",
    "秀兰",
    "桂英",
    "海燕",
    "晓梅",
    "丽娟",
    "玉兰",
    "春花",
    "志强",
    "明亮",
    "红霞",
    "小芳",
    "文华",
    "永红",
    "国庆",
    "淑珍",
    "凤英",
    "建军",
    "雪梅",
    "玉梅",
    "静",
    "敏",
    "燕",
    "霞",
    "娟",
    "芳",
    "丽",
    "强",
    "军",
    "伟",
    "磊",
    "洋",
    "婷",
    "慧",
]
TIBETAN_NAMES = [
    "扎西卓玛",
    "卓玛草",
    "拉姆",
    "央金",
    "措毛",
    "才让吉",
    "德吉卓玛",
    "次仁拉姆",
    "索南措",
    "旦正草",
    "仁青卓玛",
    "尼玛措",
    "格桑梅朵",
    "才让",
    "扎西",
    "多杰",
    "旦增",
    "索南",
    "仁青",
    "贡保",
    "尕藏",
    "洛桑",
    "桑杰",
    "更登",
    "丹珠",
    "完玛",
    "华青",
    "拉毛草",
    "杨吉草",
]
ETHNICITIES = ["汉族", "藏族", "回族"]


def demo_rng(salt: str) -> random.Random:
    """A generator seeded by name, so running a seed twice produces the same records."""
    return random.Random(f"zhouqu-demo:{salt}")  # noqa: S311 - demo data, not security


def demo_person_name(rng: random.Random) -> tuple[str, str]:
    """Return (name, ethnicity); about a third of the county's people are Tibetan."""
    if rng.random() < 0.35:
        return rng.choice(TIBETAN_NAMES), "藏族"
    ethnicity = "回族" if rng.random() < 0.03 else "汉族"
    return rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN), ethnicity
