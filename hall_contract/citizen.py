"""Citizens' data as every app shows it: code tables, masking and age.

Both the social security card (``hardware.card``) and the resident ID card (``hardware.idcard``)
carry sex codes of GB/T 2261.1 and nation codes of GB 3304, and both must show their holder
masked (``王*``, ``1301**********1098``) everywhere except the screen the citizen looks at.
"""
from __future__ import annotations

from datetime import date

# GB/T 2261.1 (人的性别代码)
SEXES: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB 3304 (中国各民族名称的罗马字母拼写法和代码), numeric codes
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}


def sex_name(code: str) -> str:
    """``"1"`` → ``"男"``; an unknown code is returned as ``"未知(x)"`` rather than raising."""
    return SEXES.get(code.strip(), f"未知({code.strip()})")


def nation_name(code: str) -> str:
    """``"01"`` or ``"1"`` → ``"汉"``; an unknown code is returned as ``"未知(xx)"``."""
    key = code.strip().zfill(2)
    return NATIONS.get(key, f"未知({key})")


def sex_code(name: str) -> str:
    """``"男"`` → ``"1"`` (for simulators and test data)."""
    for code, text in SEXES.items():
        if text == name:
            return code
    raise ValueError(f"unknown sex {name!r}")


def nation_code(name: str) -> str:
    """``"汉"`` or ``"汉族"`` → ``"01"`` (for simulators and test data)."""
    bare = name.removesuffix("族") if name not in NATIONS.values() else name
    for code, text in NATIONS.items():
        if text == bare:
            return code
    raise ValueError(f"unknown nation {name!r}")


def mask_name(name: str) -> str:
    """``"王建国"`` → ``"王*"``: the family name and one star, as tickets and displays show it."""
    return f"{name[0]}*" if name else ""


def mask_id(number: str) -> str:
    """``"130102194103121098"`` → ``"1301**********1098"``: first 4 and last 4 characters."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_card_number(number: str) -> str:
    """``"A26566860"`` → ``"A2*****60"``: first 2 and last 2 characters."""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def age_on(birth: date, on: date) -> int:
    """Completed years on ``on`` (a 29 February birthday counts from 1 March in common years)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years
