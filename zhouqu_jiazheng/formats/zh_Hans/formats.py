"""Chinese (zh-hans) formats where the project's differ from Django's: month and day without
a leading zero (9月5日), and the short date-time of booking deadlines (9月5日 14:30).

Templates name these formats (|date:"MONTH_DAY_FORMAT"), never a literal Chinese pattern, so
that a Tibetan page gets the bo formats (zhouqu_jiazheng/formats/bo).
"""

MONTH_DAY_FORMAT = "n月j日"
SHORT_DATETIME_FORMAT = "n月j日 H:i"
