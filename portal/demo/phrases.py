"""Fragments of the demonstration comments and progress notes, by topic and tone.

They read like ordinary residents' feedback and officials' notes, and are
combined at random by portal.demo.data; nothing here is about a real person.
"""

from portal.models import Status

# - disliked); a mixed comment joins one of each.
CLAUSES = {
    ("charging", "zh", "+"): [
        "{place}新装的充电桩挺好用，扫码就能充",
        "充电桩比去年多了不少，晚上不用排队了",
    ],
    ("charging", "zh", "-"): [
        "{place}的充电桩还是太少，下班回来要排队",
        "有几个充电桩坏了好久也没人修",
    ],
    ("charging", "en", "+"): [
        "the new charging points near {place} work well",
        "there are far more chargers than last year",
    ],
    ("charging", "en", "-"): [
        "there are too few chargers near {place}, we queue every evening",
        "some chargers have been out of order for weeks",
    ],
    ("roads", "zh", "+"): [
        "{place}那条路修好以后平整多了",
        "路口加了红绿灯，孩子上学安全多了",
    ],
    ("roads", "zh", "-"): [
        "{place}的路挖开好几个月了，进出很不方便",
        "一下雨路上就积水，电动车都没法骑",
    ],
    ("roads", "en", "+"): [
        "the road near {place} is much smoother since it was resurfaced",
        "the new traffic lights make the walk to school safer",
    ],
    ("roads", "en", "-"): [
        "the road near {place} has been dug up for months",
        "the road floods every time it rains",
    ],
    ("schools", "zh", "+"): [
        "新学校开学了，孩子不用再跑那么远上学",
        "{place}附近的学校添了新老师，班里没那么挤了",
    ],
    ("schools", "zh", "-"): [
        "{place}附近学位还是紧张，报名很难",
        "上下学时段学校门口堵车还是很严重",
    ],
    ("schools", "en", "+"): [
        "the new school means our children no longer travel so far",
        "the school near {place} has more teachers and smaller classes now",
    ],
    ("schools", "en", "-"): [
        "school places near {place} are still hard to get",
        "the school gate is still jammed with traffic every morning",
    ],
    ("childcare", "zh", "+"): [
        "{place}附近开了普惠托育点，收费不高，老人轻松多了",
        "托育班的老师很负责，孩子每天都愿意去",
    ],
    ("childcare", "zh", "-"): [
        "托育名额太少，排了半年还没排上",
        "托育点下午五点就关门，上班族根本接不了孩子",
    ],
    ("childcare", "en", "+"): [
        "the affordable day nursery near {place} is a great help",
        "the nursery staff are caring and our child loves going",
    ],
    ("childcare", "en", "-"): [
        "we have waited half a year for a nursery place",
        "the nursery closes at five, too early for working parents",
    ],
    ("elderly", "zh", "+"): [
        "{place}附近的老年食堂饭菜可口，价格也实惠",
        "社区养老服务站有人上门，老人独居也放心了",
    ],
    ("elderly", "zh", "-"): [
        "助餐点离{place}太远，腿脚不好的老人去不了",
        "养老服务站经常锁着门，不知道什么时候开",
    ],
    ("elderly", "en", "+"): [
        "the canteen for older people near {place} is good and cheap",
        "carers now visit older people who live alone",
    ],
    ("elderly", "en", "-"): [
        "the meal point near {place} is too far for anyone who walks slowly",
        "the care station is often locked and nobody knows the hours",
    ],
    ("health", "zh", "+"): [
        "社区医院看病方便了，挂号不用排长队",
        "家庭医生会打电话来问情况，挺贴心",
    ],
    ("health", "zh", "-"): [
        "{place}附近的社区医院药不全，还得去大医院",
        "看专家号还是太难，网上总是约不到",
    ],
    ("health", "en", "+"): [
        "the community clinic is easier to use and the queues are shorter",
        "our family doctor calls to check on us",
    ],
    ("health", "en", "-"): [
        "the clinic near {place} often lacks the medicine we need",
        "it is still very hard to book a specialist",
    ],
    ("parks", "zh", "+"): [
        "{place}附近新建的小公园晚上散步的人很多",
        "河边绿道修好了，周末带孩子去骑车很舒服",
    ],
    ("parks", "zh", "-"): [
        "{place}附近还是没有能坐下歇脚的绿地",
        "公园修好了但是路灯太暗，晚上不敢去",
    ],
    ("parks", "en", "+"): [
        "the new pocket park near {place} is busy every evening",
        "the riverside greenway is lovely for cycling at weekends",
    ],
    ("parks", "en", "-"): [
        "there is still no green space to sit in near {place}",
        "the park is finished but too dark to use at night",
    ],
    ("environment", "zh", "+"): [
        "今年蓝天明显多了，早上出门锻炼的人也多了",
        "河水比以前清了，没有臭味了",
    ],
    ("environment", "zh", "-"): [
        "{place}一到冬天空气还是不好",
        "{place}附近的工地扬尘很大，窗户都不敢开",
    ],
    ("environment", "en", "+"): [
        "there are clearly more blue-sky days this year",
        "the river is cleaner and no longer smells",
    ],
    ("environment", "en", "-"): [
        "the air near {place} is still bad in winter",
        "dust from the building site near {place} keeps our windows shut",
    ],
    ("housing", "zh", "+"): [
        "我们楼改造完加了电梯，老人上下楼方便了",
        "楼道和外墙都翻新了，住着舒心",
    ],
    ("housing", "zh", "-"): [
        "{place}附近的老小区改造拖了很久，到处是施工围挡",
        "改造后停车位反而更少了",
    ],
    ("housing", "en", "+"): [
        "our old block near {place} finally has a lift",
        "the stairwells and walls have been renewed and it feels like home again",
    ],
    ("housing", "en", "-"): [
        "the renovation of the old blocks near {place} has dragged on for months",
        "there are even fewer parking spaces since the renovation",
    ],
    ("jobs", "zh", "+"): [
        "参加了区里的免费技能培训，找到了新工作",
        "招聘会岗位挺多，离家也近",
    ],
    ("jobs", "zh", "-"): [
        "招聘会上的岗位工资太低",
        "年纪大一点就很难找到合适的工作",
    ],
    ("jobs", "en", "+"): [
        "the free skills course helped me find a new job",
        "the job fair had plenty of openings close to home",
    ],
    ("jobs", "en", "-"): [
        "most jobs at the fair pay too little",
        "it is hard to find work once you are over forty",
    ],
    ("villages", "zh", "+"): [
        "村里的路硬化了，农产品拉出去方便多了",
        "高标准农田建好以后浇地省事了",
    ],
    ("villages", "zh", "-"): [
        "村里的灌溉渠年久失修，浇地还得自己想办法",
        "农产品卖不上价，希望多帮忙找销路",
    ],
    ("villages", "en", "+"): [
        "the paved village road makes it easier to get our produce to market",
        "irrigation is much easier since the fields were upgraded",
    ],
    ("villages", "en", "-"): [
        "the irrigation channels in our village are in poor repair",
        "farm produce still sells for too little",
    ],
    ("general", "zh", "+"): [
        "这一年{place}确实有变化，看得见摸得着",
        "这个目标定得实在，希望说到做到",
    ],
    ("general", "zh", "-"): [
        "{place}这边还没感受到什么变化",
        "看不到具体进展，不知道做到哪一步了",
    ],
    ("general", "en", "+"): [
        "things around {place} have really changed this year",
        "this is a realistic target and I hope it is met",
    ],
    ("general", "en", "-"): [
        "we hardly notice any change around {place} yet",
        "there is no sign of progress and nobody says how far it has got",
    ],
}

# Topics with clauses of their own; every other topic uses "general".
TOPIC_GROUPS = {
    "charging": "charging",
    "roads": "roads",
    "schools": "schools",
    "childcare": "childcare",
    "elderly_care": "elderly",
    "social_security": "elderly",
    "health": "health",
    "green_space": "parks",
    "culture_tourism": "parks",
    "environment": "environment",
    "housing": "housing",
    "urban_renewal": "housing",
    "jobs": "jobs",
    "agriculture": "villages",
}
PLACES = {
    "zh": ["我们小区", "老城区", "火车站", "菜市场", "新区", "我们村", "我家"],
    "en": ["our estate", "the old town", "the station", "the market", "my home"],
}
OPENERS = {
    "zh": ["", "", "", "说两句：", "作为老住户，", "关于“{title}”：", "反映个情况："],
    "en": ["", "", "", "As a long-time resident, ", 'About "{title}": '],
}
CLOSERS = {
    ("zh", "positive"): ["", "希望继续保持。", "辛苦了！", "给相关部门点个赞。"],
    ("zh", "negative"): ["", "希望尽快解决。", "希望有关部门重视一下。"],
    ("zh", "mixed"): ["", "希望再加把劲。", "总体还行，继续努力吧。"],
    ("en", "positive"): ["", "Keep it up.", "Thank you to everyone involved."],
    ("en", "negative"): [
        "",
        "Please sort this out soon.",
        "I hope someone looks into it.",
    ],
    ("en", "mixed"): ["", "Good start, but more to do.", "Hope the rest follows soon."],
}
SUGGESTIONS = {
    "zh": [
        "建议把进度定期在网上公布，大家心里有数。",
        "建议多听听我们老百姓的意见。",
        "希望也多考虑老年人的需要。",
    ],
    "en": [
        "Please publish the progress regularly.",
        "Please ask residents before deciding the details.",
        "Please think of older people too.",
    ],
}
NAMES = {
    "zh": ["老张", "王阿姨", "李师傅", "小陈", "退休教师", "宝妈", "附近居民", "老刘"],
    "en": ["Li Wei", "Zhang Min", "Wang Fang", "Tom", "A resident", "Chen Jie"],
}
# Progress notes say in both languages that they are not real.
NOTE_PREFIX = ("【演示数据，并非真实进展】", "[Demonstration data, not real progress] ")
NOTES = {
    Status.IN_PROGRESS: ("项目按计划推进中。", "Work is going to plan."),
    Status.ACHIEVED: ("已按目标完成。", "The target has been met."),
    Status.DELAYED: ("受施工条件影响，进度滞后。", "Behind schedule: site conditions."),
}
