#!/usr/bin/env python3
"""Builds samples/reviews.csv and samples/agents.csv.

Every review text below was written for this repository in the voice buyers
use; none is copied from any data set. The export mimics a Taobao seller
backend download after a bad shipping week: 订单编号 (19 digits), 买家昵称
(some masked), 宝贝名称, 评价等级, 评价内容, 评价时间. Deterministic: the
same script writes the same files.
"""
import csv
import random
from pathlib import Path

ITEMS = [
    "【官方正品】控油去屑洗发水750ml",
    "纯棉圆领短袖T恤男女同款",
    "高腰直筒牛仔裤女春秋款",
    "烟台红富士苹果5斤装 现摘现发",
    "20000毫安充电宝 双向快充",
    "加厚珊瑚绒四件套 冬季",
    "不锈钢保温杯500ml 学生",
]

GOOD = [
    "东西收到了，跟图片一样，好评",
    "第二次回购了，洗完头发很顺，味道也好闻",
    "衣服很舒服，纯棉的，洗了也没缩水，推荐",
    "裤子版型好看，显瘦，码子标准",
    "苹果很甜很脆，家里老人小孩都爱吃",
    "充电宝容量够用，充两次手机没问题",
    "物流挺快的，包装也严实，满意",
    "性价比很高，比超市便宜不少",
    "四件套摸着很软和，颜色也正，好评",
    "杯子保温效果不错，早上装的水晚上还烫",
    "客服小姐姐很耐心，问啥答啥，给五星",
    "挺好的，下次还来",
    "很满意的一次购物，已推荐给同事",
    "质量杠杠的，没毛病",
    "宝贝不错，值这个价",
]

NEW_BUYER = [
    "还行吧，凑合用",
    "东西挺好的，就是随手点了个中评，不好意思",
    "一般般吧，没啥特别的",
    "还可以，价格实惠",
    "收到了，还没用，用了再说",
    "衣服不错，老公说穿着挺舒服",
    "挺好吃的，甜度刚好",
    "没送杯套，不过没什么关系，杯子本身挺好",
    "还不错，物流也快",
    "洗发水挺好用的，头皮不痒了",
    "东西还好吧，中规中矩",
    "谢谢老板，东西收到了",
]

COURIER = [
    "快递太慢了，一个星期才到，急用的东西都耽误了",
    "物流慢得要死，催了好几次都说在路上",
    "快递员态度太差了，打电话让我自己下楼去拿，还凶",
    "不送货上门，直接丢驿站也不通知一声，找了半天",
    "外包装破了，洗发水漏了一半，箱子里全是",
    "箱子都压扁了，苹果磕坏了好几个，快递是扔过来的吧",
    "显示已签收，我根本没收到，打快递电话也不接",
    "等了十天才到，物流信息好几天都不动",
    "快递放门卫那也不说一声，差点丢了",
    "送货的小哥把东西扔门口就走了，敲门都不敲",
    "物流太慢了 差评 跟快递有关跟店家无关",
    "快递暴力运输，充电宝外壳都摔裂了个角",
]

SERVICE = [
    "拍了两件只发了一件，找客服半天不理人",
    "发错颜色了，我要的藏青发来的是黑色",
    "下单三天才发货，催了才发，说好的48小时呢",
    "客服态度太差了，问个尺码爱答不理的",
    "买完第二天就降价二十，找客服说不给补差价",
    "说好的赠品杯套没给，问了客服说活动结束了",
    "申请退货一直不处理，客服推来推去",
    "要开发票说开不了，什么店啊",
    "少发了一条裤子，联系客服到现在没回复",
    "说是现货结果等了五天说缺货，耽误事",
    "包装太简陋了，就一个塑料袋装着，洗发水瓶子都挤变形了",
    "苹果说五斤，自己称了才四斤二两，缺斤少两",
    "退款退了一个礼拜还没到账",
]

QUALITY = [
    "质量太差了，洗了一次就起球",
    "穿了两天就开线了，做工粗糙",
    "色差太大了，图片是米白色，收到是土黄色",
    "尺码偏大，平时穿M这个M像XL，不合适",
    "苹果有好几个烂的，里面都是黑心，不新鲜",
    "太酸了，一点都不甜，跟描述的不一样",
    "充电宝充不进电，用了三天就坏了",
    "洗完头皮痒得不行，还起了小疙瘩，怀疑是假货",
    "味道太大了，一股刺鼻的化学味，放阳台晾了三天还有",
    "保温杯根本不保温，倒的热水两个小时就凉了",
    "四件套掉色严重，洗一次水都是红的",
    "和以前买的不一样，感觉不是正品",
    "快递倒是挺快的，但是质量真不行，线头到处都是",
    "充电宝发烫得厉害，不敢用了",
    "牛仔裤太薄了，一点不挡风，跟宣传的加厚差太多",
    "东西不行，一分钱一分货吧",
    "苹果个头太小了，跟乒乓球差不多，说好的80果呢",
    "杯盖拧不紧，一倒过来就漏水",
]

FRAUD = [
    "东西没毛病，就是给个差评。想改评价的话私聊，返我50就改好评",
    "不退款我就天天来追评，你家每个链接都给你刷一遍差评",
    "同行路过，这款我们店里便宜一半，加我微信拿货",
    "差评已写好，删评请联系，老规矩，转账到账就删",
]

UNCLASSIFIED = [
    "垃圾，再也不买了",
    "失望",
    "差评差评差评",
    "不好，太不好了",
    "后悔买了，别买",
    "无语，不想多说",
]

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
NICKS = [
    "小鱼儿爱吃猫", "tb_8827361", "阳光下的向日葵", "jd_1839xk", "开心果0525", "momo妈咪",
    "北漂打工人", "海边的卡夫卡", "一只小胖橘", "乐乐爸", "奶茶续命", "tb4471028_22",
    "追风少年", "草莓味的云", "周末去爬山", "小确幸", "三月桃花", "老陈家的",
    "ks_3348", "菜菜子", "夜猫子阿杰", "糖豆妈妈", "快乐星球", "喵喵喵233",
]


OPENERS = ["", "", "", "说实话，", "唉，", "第一次在这家买，", "给我妈买的，", "双十一囤的，", "朋友推荐来的，", "老顾客了，", "刚收到，", "用了几天了，"]
CLOSERS = ["", "", "", "！", "。。。", "，希望店家重视", "，无语", "，自己看着办吧", "[大哭]", "，就这样吧", "！！！", "，下次再看看"]


def vary(rng, text, used):
    """The same complaint in a buyer's own words: an opener and a closer."""
    for _ in range(50):
        t = rng.choice(OPENERS) + text + rng.choice(CLOSERS)
        if t not in used:
            used.add(t)
            return t
    return text


def main():
    rng = random.Random(20261124)
    root = Path(__file__).resolve().parent.parent / "samples"
    root.mkdir(exist_ok=True)
    # a bad shipping week: courier complaints dominate
    pools = [
        ("好评", GOOD, 260),
        ("中评", NEW_BUYER, 40),
        ("差评", COURIER, 120),
        ("中评", COURIER, 40),
        ("差评", SERVICE, 50),
        ("中评", SERVICE, 15),
        ("差评", QUALITY, 55),
        ("中评", QUALITY, 20),
        ("差评", UNCLASSIFIED, 15),
    ]
    rows = []
    used = set()
    for rating, texts, n in pools:
        for i in range(n):
            rows.append([rating, vary(rng, texts[i % len(texts)], used)])
    # bad faith: a few demands, and one text posted by three buyers
    for t in FRAUD:
        rows.append(["差评", t])
    for _ in range(3):
        rows.append(["差评", "这家店卖假货骗钱，大家千万别上当，已经报警了，同款在别家只要一半价"])
    rng.shuffle(rows)
    buyers = NICKS + [f"{s}**" for s in SURNAMES] + [f"t***{d}" for d in range(10)]
    out = []
    seen_orders = set()
    for i, (rating, text) in enumerate(rows):
        buyer = rng.choice(buyers) if rng.random() < 0.35 else f"{rng.choice(NICKS)}{rng.randint(10, 999)}"
        order = str(rng.randint(10**18, 4 * 10**18 - 1))
        while order in seen_orders:
            order = str(rng.randint(10**18, 4 * 10**18 - 1))
        seen_orders.add(order)
        day = 17 + rng.randint(0, 6)
        when = f"2026-11-{day:02d} {rng.randint(7, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        item = rng.choice(ITEMS)
        out.append([order, buyer, item, rating, text, when])
    out.sort(key=lambda r: r[5], reverse=True)
    with open(root / "reviews.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["订单编号", "买家昵称", "宝贝名称", "评价等级", "评价内容", "评价时间"])
        w.writerows(out)
    # a lead's own labels: every written review with the tier it was written for
    with open(root / "labelled.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "tier"])
        for tier, texts in [
            ("new_buyer", NEW_BUYER + GOOD),
            ("courier", COURIER),
            ("service", SERVICE),
            ("quality", QUALITY),
            ("fraud", FRAUD),
            ("unclassified", UNCLASSIFIED),
        ]:
            for t in texts:
                w.writerow([t, tier])
    with open(root / "agents.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "level", "capacity", "available"])
        for name in ["张敏", "王磊", "刘芳"]:
            w.writerow([name, "senior", 70, "yes"])
        juniors = ["陈晨", "杨帆", "赵雪", "黄婷", "周杰", "吴昊", "徐静", "孙悦", "马超", "朱琳"]
        for name in juniors:
            w.writerow([name, "junior", 40, "yes"])


if __name__ == "__main__":
    main()
