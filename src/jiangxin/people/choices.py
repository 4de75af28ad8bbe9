"""Code lists of national standards used on craftsman profiles.

The values are the standards' own codes, so records export to the codes provincial systems use:

- ethnic groups: GB/T 3304-1991《中国各民族名称的罗马字母拼写法和代码》 (01–56, plus 97 其他 and
  98 外国血统中国籍人士);
- political status: GB/T 4762-1984《政治面貌代码》 (01–13);
- education: GB/T 4658-2006《学历代码》, at the level of detail a nomination form asks for.

The English names of the ethnic groups are the romanised names of GB/T 3304; the others are
this project's translations.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Ethnicity(models.TextChoices):
    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    ZANG = "04", _("Tibetan")
    UYGUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BUYEI = "09", _("Bouyei")
    CHOSEN = "10", _("Korean")
    MAN = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAK = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SUI = "25", _("Shui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Naxi")
    JINGPO = "28", _("Jingpo")
    KIRGIZ = "29", _("Kirgiz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAO = "32", _("Mulao")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSS = "44", _("Russian")
    EWENKI = "45", _("Ewenki")
    DEANG = "46", _("Deang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONBA = "54", _("Monba")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")
    OTHER = "97", _("Other ethnic group")
    FOREIGN_ORIGIN = "98", _("Chinese citizen of foreign origin")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "01", _("Member of the Communist Party of China")
    CPC_PROBATIONARY = "02", _("Probationary member of the Communist Party of China")
    CYL_MEMBER = "03", _("Member of the Communist Youth League")
    RCCK = "04", _("Member of the Revolutionary Committee of the Kuomintang")
    CDL = "05", _("Member of the China Democratic League")
    CNDCA = "06", _("Member of the China National Democratic Construction Association")
    CAPD = "07", _("Member of the China Association for Promoting Democracy")
    CPWDP = "08", _("Member of the Chinese Peasants' and Workers' Democratic Party")
    ZHI_GONG = "09", _("Member of the China Zhi Gong Party")
    JIUSAN = "10", _("Member of the Jiusan Society")
    TDSGL = "11", _("Member of the Taiwan Democratic Self-Government League")
    NON_PARTY = "12", _("Non-party democrat")
    MASSES = "13", _("Ordinary citizen (no party affiliation)")


class Education(models.TextChoices):
    DOCTORATE = "11", _("Doctoral degree programme")
    MASTER = "14", _("Master's degree programme")
    BACHELOR = "20", _("Undergraduate (bachelor's)")
    JUNIOR_COLLEGE = "30", _("Junior college (大专)")
    SECONDARY_SPECIALISED = "41", _("Secondary specialised school (中专)")
    VOCATIONAL_HIGH = "44", _("Vocational high school")
    TECHNICAL_SCHOOL = "47", _("Technical school (技工学校)")
    HIGH_SCHOOL = "60", _("General senior high school")
    JUNIOR_HIGH = "70", _("Junior high school")
    PRIMARY = "80", _("Primary school")
    OTHER = "90", _("Other")


class RecognitionLevel(models.TextChoices):
    """The level of an honour, award or contest."""

    INTERNATIONAL = "international", _("International")
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial or ministerial")
    CITY = "city", _("City")
    ENTERPRISE = "enterprise", _("Enterprise")


class AchievementKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("Invention patent")
    UTILITY_PATENT = "utility_patent", _("Utility model patent")
    DESIGN_PATENT = "design_patent", _("Design patent")
    WORK_METHOD = "work_method", _("Advanced work method (先进操作法)")
    STANDARD = "standard", _("Technical standard")
    INNOVATION = "innovation", _("Technical innovation")
    OTHER = "other", _("Other achievement")
