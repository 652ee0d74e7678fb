/**
 * The demo university (示范大学): a deterministic, realistic data set for trying the
 * platform out and for end-to-end tests. Seeded on first start of an empty embedded
 * database (server/setup.ts) or with `node --import tsx server/cli.ts seed-demo`.
 *
 * Deterministic: every name, number, schedule and enrolment comes from one seeded PRNG,
 * so each run produces the same data (only timestamps and the password salt differ).
 * The current term is 2026-2027-1; the students in school are the 2023–2026 intakes
 * (the 2022 intake graduated in June 2026).
 */
import { eq, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import {
  alumni,
  courses,
  credentials,
  employerContacts,
  employers,
  enrolments,
  graduateCohorts,
  meta,
  persons,
  programmes,
  roleGrants,
  sectionTeachers,
  sections,
  terms,
  units,
  type Role,
} from "@/db/schema";
import { hashPassword } from "../auth/password";
import { at, atKey } from "@/server/shared/indexed";

export const DEMO_VERSION = 1;
export const DEMO_MARKER_KEY = "demo_seed";
/** The one password of every demo account. */
export const DEMO_PASSWORD = "Demo@2026";

/** Sign-in numbers of the accounts printed after seeding (one per role). */
export const DEMO_ACCOUNTS = {
  sysAdmin: "admin",
  qualityAdmin: "quality",
  hr: "hr",
  unitAdmin: "UA-CS", // 计算机与信息工程学院
  schoolSupervisor: "T0002",
  unitSupervisor: "T0003", // 计算机与信息工程学院
  schoolLeader: "L0001",
  collegeLeader: "T0067", // dean of 计算机与信息工程学院, also a teacher
  teacher: "T0001", // 软件工程教研室; teaches 软件需求工程 to the demo student
  student: "2024020101", // 软件工程2401, 3rd year, 6 current-term sections
  infoOfficer: "2025020102", // 软件工程2501
} as const;
export type DemoAccountKey = keyof typeof DEMO_ACCOUNTS;

export const DEMO_TERMS = { previous: "2025-2026-2", current: "2026-2027-1" } as const;

export type DemoCounts = {
  units: number;
  colleges: number;
  offices: number;
  programmes: number;
  terms: number;
  courses: number;
  staff: number;
  teachers: number;
  students: number;
  sections: number;
  currentSections: number;
  sectionTeachers: number;
  enrolments: number;
  currentEnrolments: number;
  roleGrants: number;
  cohorts: number;
  alumni: number;
  employers: number;
  contacts: number;
};
export type DemoAccount = {
  key: DemoAccountKey;
  number: string;
  name: string;
  role: Role;
  roleZh: string;
  roleEn: string;
  scope: string;
  password: string;
};
export type DemoSummary = { version: number; password: string; counts: DemoCounts; accounts: DemoAccount[] };

// ─── deterministic randomness ────────────────────────────────────────────────────────

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32): the demo, simulated answers, tests. */
export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = ReturnType<typeof mulberry32>;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => at(xs, Math.floor(rng() * xs.length));
function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [at(xs, j), at(xs, i)];
  }
  return xs;
}
const pad = (n: number, w: number) => String(n).padStart(w, "0");

// ─── names ───────────────────────────────────────────────────────────────────────────

// Common surnames with their rough frequency (‰ of the population) and pinyin.
const SURNAMES: [string, string, number][] = (
  "王wang71 李li70 张zhang67 刘liu54 陈chen45 杨yang31 黄huang22 赵zhao20 吴wu19 周zhou19 徐xu15 孙sun15 " +
  "马ma12 朱zhu12 胡hu11 郭guo11 何he10 高gao10 林lin10 罗luo9 郑zheng9 梁liang8 谢xie7 宋song6 唐tang6 " +
  "许xu6 韩han5 冯feng5 邓deng5 曹cao5 彭peng5 曾zeng5 肖xiao5 田tian4 董dong4 袁yuan4 潘pan4 于yu4 蒋jiang4 " +
  "蔡cai4 余yu4 杜du3 叶ye3 程cheng3 苏su3 魏wei3 吕lyu3 丁ding3 任ren3 沈shen3 姚yao3 卢lu3 姜jiang3 崔cui2 " +
  "钟zhong2 谭tan2 陆lu2 汪wang2 范fan2 金jin2 石shi2 廖liao2 贾jia2 夏xia2 韦wei2 付fu2 方fang2 白bai2 邹zou2 " +
  "孟meng2 熊xiong2 秦qin2 邱qiu2 江jiang2 尹yin2 薛xue2 闫yan2 段duan2 雷lei1 侯hou1 龙long1 史shi1 陶tao1 " +
  "黎li1 贺he1 顾gu1 毛mao1 郝hao1 龚gong1 邵shao1 万wan1 钱qian1 严yan1 覃qin1 武wu1 戴dai1 莫mo1 孔kong1 " +
  "向xiang1 汤tang1 欧阳ouyang1"
)
  .split(" ")
  .map((s) => {
    const m = /^(\p{Script=Han}+)([a-z]+)(\d+)$/u.exec(s);
    if (m === null) throw new Error(`not a surname entry (characters, pinyin, weight): ${s}`);
    return [at(m, 1), at(m, 2), Number(m[3])];
  });
const SURNAME_TOTAL = SURNAMES.reduce((s, [, , w]) => s + w, 0);

const charPool = (s: string) => s.split(" ").map((x) => [x[0], x.slice(1)] as [string, string]);
const MALE = charPool(
  "伟wei 强qiang 磊lei 军jun 勇yong 杰jie 涛tao 斌bin 超chao 明ming 刚gang 辉hui 鹏peng 华hua 飞fei 鑫xin " +
    "波bo 宇yu 浩hao 凯kai 健jian 俊jun 帆fan 旭xu 宁ning 龙long 阳yang 晨chen 博bo 文wen 志zhi 建jian 国guo " +
    "峰feng 轩xuan 然ran 睿rui 泽ze 铭ming 昊hao 航hang 子zi 梓zi 天tian 一yi 嘉jia 煜yu 锐rui 诚cheng 哲zhe " +
    "思si 远yuan 彬bin 亮liang 成cheng 海hai 毅yi 坤kun 晟sheng 豪hao 翔xiang 锦jin 安an 恩en",
);
const FEMALE = charPool(
  "芳fang 娜na 敏min 静jing 丽li 艳yan 娟juan 霞xia 秀xiu 玲ling 婷ting 雪xue 慧hui 莹ying 颖ying 琳lin 欣xin " +
    "怡yi 佳jia 雨yu 涵han 萱xuan 梦meng 晴qing 悦yue 思si 琪qi 璐lu 瑶yao 楠nan 妍yan 诗shi 婉wan 可ke 馨xin " +
    "蕾lei 倩qian 月yue 菲fei 雯wen 琦qi 彤tong 蓉rong 洁jie 燕yan 丹dan 茜qian 璇xuan 安an 晓xiao 梓zi 子zi " +
    "一yi 嘉jia 婧jing 薇wei 媛yuan 爱ai",
);

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
// Pinyin joins syllables with an apostrophe before a, o, e (Xi'an, Jia'en).
const joinPinyin = (syl: string[]) => syl.reduce((acc, s, i) => acc + (i > 0 && /^[aoe]/.test(s) ? "'" : "") + s, "");

type Name = { name: string; nameEn: string; gender: "M" | "F" };
function makeName(rng: Rng, gender: "M" | "F", singleChance: number): Name {
  let r = rng() * SURNAME_TOTAL;
  let sur = at(SURNAMES, 0);
  for (const s of SURNAMES) {
    r -= s[2];
    if (r < 0) {
      sur = s;
      break;
    }
  }
  const pool = gender === "M" ? MALE : FEMALE;
  const first = pick(rng, pool);
  const given =
    rng() < singleChance
      ? [first]
      : [
          first,
          (() => {
            let second = pick(rng, pool);
            while (second[0] === first[0] && rng() < 0.9) second = pick(rng, pool);
            return second;
          })(),
        ];
  return {
    name: sur[0] + given.map((g) => g[0]).join(""),
    nameEn: `${cap(sur[1])} ${cap(joinPinyin(given.map((g) => g[1])))}`,
    gender,
  };
}

// ─── organisation ────────────────────────────────────────────────────────────────────

type UnitSpec = { code: string; name: string; nameEn: string; kind: "school" | "college" | "department" | "office"; parent: string | null };
const SCHOOL: UnitSpec = { code: "S", name: "示范大学", nameEn: "Demo University", kind: "school", parent: null };

// Teaching units with their teaching offices (and how many teachers each office has).
const COLLEGES: {
  code: string;
  name: string;
  nameEn: string;
  kind: "college" | "department";
  building: string;
  offices: { code: string; name: string; nameEn: string; teachers: number }[];
}[] = [
  {
    code: "CS",
    name: "计算机与信息工程学院",
    nameEn: "School of Computer and Information Engineering",
    kind: "college",
    building: "教A",
    offices: [
      { code: "CS01", name: "软件工程教研室", nameEn: "Software Engineering Teaching Office", teachers: 5 },
      { code: "CS02", name: "计算机科学与技术教研室", nameEn: "Computer Science Teaching Office", teachers: 5 },
    ],
  },
  {
    code: "FL",
    name: "外国语学院",
    nameEn: "School of Foreign Languages",
    kind: "college",
    building: "教B",
    offices: [
      { code: "FL01", name: "英语与翻译教研室", nameEn: "English and Translation Teaching Office", teachers: 10 },
      { code: "FL02", name: "大学英语教研室", nameEn: "College English Teaching Office", teachers: 6 },
    ],
  },
  {
    code: "EM",
    name: "经济管理学院",
    nameEn: "School of Economics and Management",
    kind: "college",
    building: "教C",
    offices: [
      { code: "EM01", name: "工商管理教研室", nameEn: "Business Administration Teaching Office", teachers: 5 },
      { code: "EM02", name: "金融学教研室", nameEn: "Finance Teaching Office", teachers: 5 },
    ],
  },
  {
    code: "ME",
    name: "机械与电气工程学院",
    nameEn: "School of Mechanical and Electrical Engineering",
    kind: "college",
    building: "教D",
    offices: [
      { code: "ME01", name: "机械工程教研室", nameEn: "Mechanical Engineering Teaching Office", teachers: 5 },
      { code: "ME02", name: "电气工程教研室", nameEn: "Electrical Engineering Teaching Office", teachers: 5 },
    ],
  },
  {
    code: "MA",
    name: "马克思主义学院",
    nameEn: "School of Marxism",
    kind: "college",
    building: "教E",
    offices: [{ code: "MA01", name: "思想政治理论课教研室", nameEn: "Ideological and Political Theory Teaching Office", teachers: 9 }],
  },
  {
    code: "BS",
    name: "公共基础教学部",
    nameEn: "Department of General Studies",
    kind: "department",
    building: "教A",
    offices: [
      { code: "BS01", name: "数学教研室", nameEn: "Mathematics Teaching Office", teachers: 5 },
      { code: "BS02", name: "体育教研室", nameEn: "Physical Education Teaching Office", teachers: 6 },
    ],
  },
];

type Category = "cs" | "fl" | "em" | "me";
type CourseSpec = {
  code: string;
  name: string;
  nameEn: string;
  type: "general" | "foundation" | "core" | "elective" | "practice" | "pe";
  credits: number;
  grade: number;
  perClass?: boolean;
};
type ProgrammeSpec = {
  idx: string;
  code: string;
  name: string;
  nameEn: string;
  short: string;
  college: string;
  office: string;
  cat: Category;
  femaleShare: number;
  courses: CourseSpec[];
};

// "code|name|English name|type|credits|grade|perClass?" — the autumn-semester courses of each year.
function courseList(lines: string): CourseSpec[] {
  const types: Record<string, CourseSpec["type"]> = { F: "foundation", C: "core", E: "elective", P: "practice" };
  return lines
    .trim()
    .split("\n")
    .map((l) => {
      const [code, name, nameEn, t, credits, grade, per] = l.trim().split("|");
      const type = t === undefined ? undefined : types[t];
      if (!code || !name || !nameEn || !type || !credits || !grade) throw new Error(`demo seed: bad course line "${l}"`);
      return { code, name, nameEn, type, credits: Number(credits), grade: Number(grade), perClass: per === "c" };
    });
}

const PROGRAMMES: ProgrammeSpec[] = [
  {
    idx: "01",
    code: "080901",
    name: "计算机科学与技术",
    nameEn: "Computer Science and Technology",
    short: "计科",
    college: "CS",
    office: "CS02",
    cat: "cs",
    femaleShare: 0.3,
    courses: courseList(`
    CST1101|程序设计基础|Fundamentals of Programming|F|4|1
    CST1102|离散数学|Discrete Mathematics|F|3|1
    CST2101|数据结构|Data Structures|C|4|2
    CST2102|计算机组成原理|Computer Organization|C|4|2
    CST3101|操作系统|Operating Systems|C|4|3
    CST3102|计算机网络|Computer Networks|C|3|3
    CST3103|编译原理|Principles of Compilers|C|3|3
    CST3104|操作系统课程设计|Operating Systems Course Project|P|2|3|c
    CST3201|人工智能导论|Introduction to Artificial Intelligence|E|2|3
    CST3202|数字图像处理|Digital Image Processing|E|2|3
    CST4101|分布式系统|Distributed Systems|C|3|4
    CST4104|专业综合实训|Integrated Professional Practicum|P|3|4|c
    CST4201|机器学习|Machine Learning|E|2|4
    CST4202|信息安全技术|Information Security Technology|E|2|4
    CST4203|云计算技术|Cloud Computing|E|2|4`),
  },
  {
    idx: "02",
    code: "080902",
    name: "软件工程",
    nameEn: "Software Engineering",
    short: "软件工程",
    college: "CS",
    office: "CS01",
    cat: "cs",
    femaleShare: 0.3,
    courses: courseList(`
    SE1101|高级语言程序设计|High-Level Language Programming|F|4|1
    SE1102|软件工程导论|Introduction to Software Engineering|F|2|1
    SE2101|数据结构与算法|Data Structures and Algorithms|C|4|2
    SE2102|面向对象程序设计(Java)|Object-Oriented Programming (Java)|C|3|2
    SE3101|软件需求工程|Software Requirements Engineering|C|3|3
    SE3102|数据库系统原理|Principles of Database Systems|C|3|3
    SE3103|Web应用开发|Web Application Development|C|3|3
    SE3104|数据库课程设计|Database Course Project|P|2|3|c
    SE3201|移动应用开发|Mobile Application Development|E|2|3
    SE3202|用户界面设计|User Interface Design|E|2|3
    SE4101|软件测试与质量保证|Software Testing and Quality Assurance|C|3|4
    SE4104|软件工程综合实践|Software Engineering Capstone Practice|P|3|4|c
    SE4201|软件项目管理|Software Project Management|E|2|4
    SE4202|微服务架构|Microservice Architecture|E|2|4
    SE4203|DevOps与持续交付|DevOps and Continuous Delivery|E|2|4`),
  },
  {
    idx: "03",
    code: "050201",
    name: "英语",
    nameEn: "English",
    short: "英语",
    college: "FL",
    office: "FL01",
    cat: "fl",
    femaleShare: 0.8,
    courses: courseList(`
    ENG1101|综合英语Ⅰ|Integrated English I|F|4|1|c
    ENG1102|英语听力Ⅰ|English Listening I|F|2|1|c
    ENG1103|英语语音|English Phonetics|F|2|1
    ENG2101|综合英语Ⅲ|Integrated English III|F|4|2|c
    ENG2102|英语写作Ⅰ|English Writing I|C|2|2
    ENG2103|英国文学|British Literature|C|2|2
    ENG3101|高级英语Ⅰ|Advanced English I|C|4|3
    ENG3102|语言学导论|Introduction to Linguistics|C|2|3
    ENG3103|英汉笔译|English–Chinese Translation|C|2|3
    ENG3104|英语演讲与辩论|English Public Speaking and Debate|P|1|3|c
    ENG3201|跨文化交际|Intercultural Communication|E|2|3
    ENG3202|商务英语|Business English|E|2|3
    ENG4101|学术论文写作|Academic Writing|C|2|4
    ENG4104|英语教育实习|English Teaching Practicum|P|4|4|c
    ENG4201|英语教学法|English Teaching Methodology|E|2|4
    ENG4202|美国文学选读|Selected Readings in American Literature|E|2|4
    ENG4203|第二外语(日语)|Second Foreign Language (Japanese)|E|2|4`),
  },
  {
    idx: "04",
    code: "050261",
    name: "翻译",
    nameEn: "Translation",
    short: "翻译",
    college: "FL",
    office: "FL01",
    cat: "fl",
    femaleShare: 0.78,
    courses: courseList(`
    TRA1101|基础英语Ⅰ|Basic English I|F|4|1|c
    TRA1102|英语视听说Ⅰ|English Viewing, Listening and Speaking I|F|2|1|c
    TRA1103|翻译概论|Introduction to Translation|F|2|1
    TRA2101|基础英语Ⅲ|Basic English III|F|4|2|c
    TRA2102|英汉语言对比|English–Chinese Contrastive Studies|C|2|2
    TRA2103|基础笔译|Basic Translation|C|2|2
    TRA3101|交替传译|Consecutive Interpreting|C|3|3
    TRA3102|文学翻译|Literary Translation|C|2|3
    TRA3103|计算机辅助翻译|Computer-Aided Translation|C|2|3
    TRA3104|翻译工作坊|Translation Workshop|P|2|3|c
    TRA3201|商务翻译|Business Translation|E|2|3
    TRA3202|影视翻译|Audiovisual Translation|E|2|3
    TRA4101|同声传译基础|Fundamentals of Simultaneous Interpreting|C|2|4
    TRA4104|翻译专业实习|Translation Internship|P|4|4|c
    TRA4201|法律翻译|Legal Translation|E|2|4
    TRA4202|科技翻译|Scientific and Technical Translation|E|2|4
    TRA4203|本地化项目管理|Localization Project Management|E|2|4`),
  },
  {
    idx: "05",
    code: "120201K",
    name: "工商管理",
    nameEn: "Business Administration",
    short: "工商",
    college: "EM",
    office: "EM01",
    cat: "em",
    femaleShare: 0.55,
    courses: courseList(`
    BA1101|管理学原理|Principles of Management|F|3|1
    BA1102|微观经济学|Microeconomics|F|3|1
    BA2101|会计学|Accounting|F|3|2
    BA2102|组织行为学|Organizational Behavior|C|3|2
    BA3101|市场营销学|Marketing|C|3|3
    BA3102|人力资源管理|Human Resource Management|C|3|3
    BA3103|运营管理|Operations Management|C|3|3
    BA3104|企业经营模拟实训|Business Simulation Practicum|P|2|3|c
    BA3201|消费者行为学|Consumer Behavior|E|2|3
    BA3202|电子商务|E-Commerce|E|2|3
    BA4101|战略管理|Strategic Management|C|3|4
    BA4104|毕业实习|Graduation Internship|P|4|4|c
    BA4201|创业管理|Entrepreneurship Management|E|2|4
    BA4202|供应链管理|Supply Chain Management|E|2|4
    BA4203|商业数据分析|Business Data Analytics|E|2|4`),
  },
  {
    idx: "06",
    code: "020301K",
    name: "金融学",
    nameEn: "Finance",
    short: "金融",
    college: "EM",
    office: "EM02",
    cat: "em",
    femaleShare: 0.55,
    courses: courseList(`
    FIN1101|经济学原理|Principles of Economics|F|3|1
    FIN1102|金融学导论|Introduction to Finance|F|2|1
    FIN2101|货币银行学|Money and Banking|C|3|2
    FIN2102|宏观经济学|Macroeconomics|F|3|2
    FIN3101|公司金融|Corporate Finance|C|3|3
    FIN3102|投资学|Investments|C|3|3
    FIN3103|国际金融|International Finance|C|3|3
    FIN3104|金融数据分析实验|Financial Data Analysis Lab|P|2|3|c
    FIN3201|保险学|Insurance|E|2|3
    FIN3202|金融科技概论|Introduction to FinTech|E|2|3
    FIN4101|金融风险管理|Financial Risk Management|C|3|4
    FIN4104|金融机构实习|Financial Institution Internship|P|4|4|c
    FIN4201|金融衍生工具|Financial Derivatives|E|2|4
    FIN4202|商业银行经营管理|Commercial Bank Management|E|2|4
    FIN4203|证券投资分析|Securities Investment Analysis|E|2|4`),
  },
  {
    idx: "07",
    code: "080202",
    name: "机械设计制造及其自动化",
    nameEn: "Mechanical Design, Manufacturing and Automation",
    short: "机制",
    college: "ME",
    office: "ME01",
    cat: "me",
    femaleShare: 0.15,
    courses: courseList(`
    MEC1101|机械制图|Mechanical Drawing|F|3|1
    MEC1102|工程训练|Engineering Training|P|2|1|c
    MEC2101|理论力学|Theoretical Mechanics|F|3|2
    MEC2102|材料力学|Mechanics of Materials|F|3|2
    MEC3101|机械原理|Theory of Machines and Mechanisms|C|3|3
    MEC3102|机械设计|Machine Design|C|3|3
    MEC3103|控制工程基础|Fundamentals of Control Engineering|C|3|3
    MEC3104|机械原理课程设计|Mechanisms Course Project|P|1|3|c
    MEC3201|有限元分析|Finite Element Analysis|E|2|3
    MEC3202|液压与气压传动|Hydraulic and Pneumatic Transmission|E|2|3
    MEC4101|机械制造技术基础|Fundamentals of Manufacturing Technology|C|3|4
    MEC4104|生产实习|Production Internship|P|3|4|c
    MEC4201|数控技术|CNC Technology|E|2|4
    MEC4202|工业机器人|Industrial Robotics|E|2|4
    MEC4203|智能制造系统|Intelligent Manufacturing Systems|E|2|4`),
  },
  {
    idx: "08",
    code: "080601",
    name: "电气工程及其自动化",
    nameEn: "Electrical Engineering and Automation",
    short: "电气",
    college: "ME",
    office: "ME02",
    cat: "me",
    femaleShare: 0.2,
    courses: courseList(`
    EE1101|电气工程导论|Introduction to Electrical Engineering|F|2|1
    EE1102|C语言程序设计|C Programming|F|3|1
    EE2101|电路原理|Circuit Theory|F|4|2
    EE2102|模拟电子技术|Analog Electronics|F|3|2
    EE3101|电机学|Electric Machinery|C|4|3
    EE3102|自动控制原理|Automatic Control Theory|C|3|3
    EE3103|电力电子技术|Power Electronics|C|3|3
    EE3104|电子技术课程设计|Electronics Course Project|P|1|3|c
    EE3201|单片机原理及应用|Microcontroller Principles and Applications|E|2|3
    EE3202|PLC原理与应用|PLC Principles and Applications|E|2|3
    EE4101|电力系统分析|Power System Analysis|C|3|4
    EE4104|电气工程综合实习|Electrical Engineering Internship|P|3|4|c
    EE4201|新能源发电技术|Renewable Energy Generation|E|2|4
    EE4202|供配电技术|Power Supply and Distribution|E|2|4
    EE4203|电力系统继电保护|Power System Protective Relaying|E|2|4`),
  },
];

// School-wide courses: owning unit (a college, or the school itself), the office whose
// teachers teach it (null: the students' own programme office), and who takes it when.
type GeneralSpec = {
  code: string;
  name: string;
  nameEn: string;
  type: "general" | "pe";
  credits: number;
  hours: number;
  unit: string;
  office: string | null;
  term: "previous" | "current";
  admission: number;
  cats: Category[];
  perClass?: boolean;
};
const ALL: Category[] = ["cs", "fl", "em", "me"];
const NON_FL: Category[] = ["cs", "em", "me"];
const GENERAL: GeneralSpec[] = [
  // current term 2026-2027-1 (autumn): 2026 intake is in year 1, 2023 intake in year 4
  {
    code: "GE1001",
    name: "思想道德与法治",
    nameEn: "Morality and Rule of Law",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "MA",
    office: "MA01",
    term: "current",
    admission: 2026,
    cats: ALL,
  },
  {
    code: "GE1003",
    name: "马克思主义基本原理",
    nameEn: "Basic Principles of Marxism",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "MA",
    office: "MA01",
    term: "current",
    admission: 2025,
    cats: ALL,
  },
  {
    code: "GE1004",
    name: "毛泽东思想和中国特色社会主义理论体系概论",
    nameEn: "Introduction to Mao Zedong Thought and Socialism with Chinese Characteristics",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "MA",
    office: "MA01",
    term: "current",
    admission: 2024,
    cats: ALL,
  },
  {
    code: "GE2001",
    name: "大学英语Ⅰ",
    nameEn: "College English I",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "FL",
    office: "FL02",
    term: "current",
    admission: 2026,
    cats: NON_FL,
  },
  {
    code: "GE2003",
    name: "大学英语Ⅲ",
    nameEn: "College English III",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "FL",
    office: "FL02",
    term: "current",
    admission: 2025,
    cats: NON_FL,
  },
  {
    code: "GE3001",
    name: "高等数学A(上)",
    nameEn: "Advanced Mathematics A (I)",
    type: "general",
    credits: 5,
    hours: 80,
    unit: "BS",
    office: "BS01",
    term: "current",
    admission: 2026,
    cats: ["cs", "me"],
  },
  {
    code: "GE3003",
    name: "高等数学B(上)",
    nameEn: "Advanced Mathematics B (I)",
    type: "general",
    credits: 4,
    hours: 64,
    unit: "BS",
    office: "BS01",
    term: "current",
    admission: 2026,
    cats: ["em"],
  },
  {
    code: "GE3005",
    name: "概率论与数理统计",
    nameEn: "Probability and Statistics",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "BS",
    office: "BS01",
    term: "current",
    admission: 2025,
    cats: NON_FL,
  },
  {
    code: "GE4001",
    name: "体育Ⅰ",
    nameEn: "Physical Education I",
    type: "pe",
    credits: 1,
    hours: 32,
    unit: "BS",
    office: "BS02",
    term: "current",
    admission: 2026,
    cats: ALL,
    perClass: true,
  },
  {
    code: "GE4003",
    name: "体育Ⅲ",
    nameEn: "Physical Education III",
    type: "pe",
    credits: 1,
    hours: 32,
    unit: "BS",
    office: "BS02",
    term: "current",
    admission: 2025,
    cats: ALL,
    perClass: true,
  },
  {
    code: "GE5001",
    name: "大学生职业发展与就业指导",
    nameEn: "Career Development and Employment Guidance",
    type: "general",
    credits: 1,
    hours: 16,
    unit: "S",
    office: null,
    term: "current",
    admission: 2023,
    cats: ALL,
  },
  // previous term 2025-2026-2 (spring)
  {
    code: "GE1002",
    name: "中国近现代史纲要",
    nameEn: "Outline of Modern and Contemporary Chinese History",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "MA",
    office: "MA01",
    term: "previous",
    admission: 2025,
    cats: ALL,
  },
  {
    code: "GE1005",
    name: "习近平新时代中国特色社会主义思想概论",
    nameEn: "Introduction to Xi Jinping Thought on Socialism with Chinese Characteristics for a New Era",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "MA",
    office: "MA01",
    term: "previous",
    admission: 2024,
    cats: ALL,
  },
  {
    code: "GE2002",
    name: "大学英语Ⅱ",
    nameEn: "College English II",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "FL",
    office: "FL02",
    term: "previous",
    admission: 2025,
    cats: NON_FL,
  },
  {
    code: "GE2004",
    name: "大学英语Ⅳ",
    nameEn: "College English IV",
    type: "general",
    credits: 3,
    hours: 48,
    unit: "FL",
    office: "FL02",
    term: "previous",
    admission: 2024,
    cats: NON_FL,
  },
  {
    code: "GE3002",
    name: "高等数学A(下)",
    nameEn: "Advanced Mathematics A (II)",
    type: "general",
    credits: 5,
    hours: 80,
    unit: "BS",
    office: "BS01",
    term: "previous",
    admission: 2025,
    cats: ["cs", "me"],
  },
  {
    code: "GE3004",
    name: "高等数学B(下)",
    nameEn: "Advanced Mathematics B (II)",
    type: "general",
    credits: 4,
    hours: 64,
    unit: "BS",
    office: "BS01",
    term: "previous",
    admission: 2025,
    cats: ["em"],
  },
];

const TERMS = [
  { code: "2025-2026-1", schoolYear: "2025-2026", semester: 1, startsOn: "2025-09-01", endsOn: "2026-01-18", isCurrent: false },
  { code: "2025-2026-2", schoolYear: "2025-2026", semester: 2, startsOn: "2026-02-23", endsOn: "2026-07-05", isCurrent: false },
  { code: "2026-2027-1", schoolYear: "2026-2027", semester: 1, startsOn: "2026-09-01", endsOn: "2027-01-17", isCurrent: true },
];
const CURRENT_YEAR = 2026; // the autumn in which the current term starts
const INTAKES = [2023, 2024, 2025, 2026];
const GRADUATION_YEARS = [2021, 2023, 2025];

// 30 fictitious employers. Codes look like 统一社会信用代码 (91 + region + …) but say DEMO.
const EMPLOYERS: [string, string, string, string][] = [
  ["北京云帆信息技术有限公司", "信息传输、软件和信息技术服务业", "北京市", "110000"],
  ["北京博远数据科技有限公司", "信息传输、软件和信息技术服务业", "北京市", "110000"],
  ["上海星河软件股份有限公司", "信息传输、软件和信息技术服务业", "上海市", "310000"],
  ["深圳鼎新智能科技有限公司", "信息传输、软件和信息技术服务业", "广东省深圳市", "440300"],
  ["杭州数智云网络科技有限公司", "信息传输、软件和信息技术服务业", "浙江省杭州市", "330100"],
  ["南京启明信息系统有限公司", "信息传输、软件和信息技术服务业", "江苏省南京市", "320100"],
  ["成都锦程网络科技有限公司", "信息传输、软件和信息技术服务业", "四川省成都市", "510100"],
  ["武汉光谷联创电子有限公司", "制造业", "湖北省武汉市", "420100"],
  ["苏州精工精密机械有限公司", "制造业", "江苏省苏州市", "320500"],
  ["宁波甬达液压机械有限公司", "制造业", "浙江省宁波市", "330200"],
  ["东莞华锐自动化设备有限公司", "制造业", "广东省东莞市", "441900"],
  ["青岛海晟智能装备有限公司", "制造业", "山东省青岛市", "370200"],
  ["西安长安精密制造有限公司", "制造业", "陕西省西安市", "610100"],
  ["天津滨海新能源科技有限公司", "电力、热力、燃气及水生产和供应业", "天津市", "120000"],
  ["无锡锡电电力工程有限公司", "电力、热力、燃气及水生产和供应业", "江苏省无锡市", "320200"],
  ["合肥明远光伏科技有限公司", "电力、热力、燃气及水生产和供应业", "安徽省合肥市", "340100"],
  ["江苏锦城农村商业银行股份有限公司", "金融业", "江苏省常州市", "320400"],
  ["申远证券有限责任公司", "金融业", "上海市", "310000"],
  ["北京融信基金管理有限公司", "金融业", "北京市", "110000"],
  ["深圳前海汇通保险经纪有限公司", "金融业", "广东省深圳市", "440300"],
  ["广州正衡会计师事务所（特殊普通合伙）", "租赁和商务服务业", "广东省广州市", "440100"],
  ["上海明德企业管理咨询有限公司", "租赁和商务服务业", "上海市", "310000"],
  ["长沙湘江人力资源服务有限公司", "租赁和商务服务业", "湖南省长沙市", "430100"],
  ["北京言信翻译有限公司", "租赁和商务服务业", "北京市", "110000"],
  ["杭州优选电子商务有限公司", "批发和零售业", "浙江省杭州市", "330100"],
  ["深圳环球跨境贸易有限公司", "批发和零售业", "广东省深圳市", "440300"],
  ["重庆山城物流有限公司", "交通运输、仓储和邮政业", "重庆市", "500000"],
  ["上海博雅国际教育科技有限公司", "教育", "上海市", "310000"],
  ["南京明远外国语学校", "教育", "江苏省南京市", "320100"],
  ["成都蓉城文化传媒有限公司", "文化、体育和娱乐业", "四川省成都市", "510100"],
];
const CONTACT_POSITIONS = ["人力资源经理", "招聘主管", "技术总监", "部门经理", "人事专员", "总经理助理", "培训经理"];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  student: { zh: "学生", en: "Student" },
  info_officer: { zh: "学生信息员", en: "Student information officer" },
  teacher: { zh: "教师", en: "Teacher" },
  supervisor: { zh: "督导", en: "Supervisor" },
  leader: { zh: "领导干部", en: "Leader" },
  unit_admin: { zh: "教学单位管理员", en: "Unit administrator" },
  quality_admin: { zh: "质量监控中心", en: "Quality office" },
  hr: { zh: "人事处", en: "Human resources" },
  sys_admin: { zh: "系统管理员", en: "System administrator" },
};

// ─── the plan: every row, with references by code/number instead of ids ─────────────

type PersonPlan = {
  number: string;
  name: string;
  nameEn: string;
  kind: "staff" | "student";
  gender: "M" | "F";
  unit: string;
  programme: string | null;
  className: string | null;
  admissionYear: number | null;
  title: string | null;
  email: string | null;
  phone: string | null;
};
type GrantPlan = { number: string; role: Role; unit: string | null };
type CoursePlan = {
  code: string;
  name: string;
  nameEn: string;
  unit: string;
  programme: string | null;
  type: CourseSpec["type"];
  credits: number;
  hours: number;
};
type SectionPlan = {
  term: string;
  code: string;
  course: string;
  name: string;
  schedule: string;
  capacity: number;
  teachers: { number: string; role: "lead" | "co"; share: string }[];
  students: string[];
};
type CohortPlan = {
  programme: string;
  year: number;
  alumni: { studentNumber: string; name: string; email: string | null; phone: string | null; wechat: string | null }[];
};
type EmployerPlan = {
  code: string;
  name: string;
  industry: string;
  region: string;
  contacts: { name: string; position: string; email: string; phone: string }[];
};
type Plan = {
  units: UnitSpec[];
  programmes: ProgrammeSpec[];
  courses: CoursePlan[];
  persons: PersonPlan[];
  grants: GrantPlan[];
  sections: SectionPlan[];
  cohorts: CohortPlan[];
  employers: EmployerPlan[];
  accounts: DemoAccount[];
  counts: DemoCounts;
};

const DAYS = ["周一", "周二", "周三", "周四", "周五"];
const PERIODS = ["1-2节", "3-4节", "5-6节", "7-8节", "9-10节"];
const SLOTS = DAYS.flatMap((d) => PERIODS.map((p) => `${d} ${p}`));

function buildPlan(): Plan {
  const rng = mulberry32(20260901);
  const unitList: UnitSpec[] = [SCHOOL];
  const unitName = new Map<string, string>([[SCHOOL.code, SCHOOL.name]]);
  for (const c of COLLEGES) {
    unitList.push({ code: c.code, name: c.name, nameEn: c.nameEn, kind: c.kind, parent: SCHOOL.code });
    unitName.set(c.code, c.name);
  }
  for (const c of COLLEGES) {
    for (const o of c.offices) {
      unitList.push({ code: o.code, name: o.name, nameEn: o.nameEn, kind: "office", parent: c.code });
      unitName.set(o.code, o.name);
    }
  }

  const people: PersonPlan[] = [];
  const grants: GrantPlan[] = [];
  const grant = (number: string, role: Role, unit: string | null = null) => grants.push({ number, role, unit });

  // Teachers: T0001… office by office, then the deans (unit = the college itself).
  const TITLES: [string, number][] = [
    ["教授", 0.1],
    ["副教授", 0.35],
    ["讲师", 0.45],
    ["助教", 0.1],
  ];
  const randomTitle = () => {
    let r = rng();
    for (const [t, w] of TITLES) if ((r -= w) < 0) return t;
    return "讲师";
  };
  const staff = (number: string, unit: string, title: string | null): PersonPlan => {
    const n = makeName(rng, rng() < 0.45 ? "F" : "M", 0.3);
    const p: PersonPlan = {
      number,
      ...n,
      kind: "staff",
      unit,
      programme: null,
      className: null,
      admissionYear: null,
      title,
      email: `${number.toLowerCase()}@staff.example.com`,
      phone: null,
    };
    people.push(p);
    return p;
  };
  const pools = new Map<string, string[]>(); // office → teacher numbers
  let t = 0;
  const firstOfOffice = new Map<string, number>();
  for (const c of COLLEGES) {
    for (const o of c.offices) {
      firstOfOffice.set(o.code, t + 1);
      const pool: string[] = [];
      for (let i = 0; i < o.teachers; i++) {
        const number = `T${pad(++t, 4)}`;
        staff(number, o.code, randomTitle());
        grant(number, "teacher");
        pool.push(number);
      }
      pools.set(o.code, pool);
    }
  }
  const byNumber = new Map(people.map((p) => [p.number, p]));
  const deans = new Map<string, string>();
  for (const c of COLLEGES) {
    const number = `T${pad(++t, 4)}`;
    staff(number, c.code, "教授");
    grant(number, "teacher");
    grant(number, "leader", c.code);
    deans.set(c.code, number);
    atKey(pools, at(c.offices, 0).code).push(number); // deans teach too
  }
  // School supervisors: senior professors, the 2nd teacher of the first office of the
  // four programme colleges. Unit supervisors: the 3rd teacher of each unit's first office.
  for (const c of COLLEGES.slice(0, 4)) {
    const number = `T${pad(atKey(firstOfOffice, at(c.offices, 0).code) + 1, 4)}`;
    atKey(byNumber, number).title = "教授";
    grant(number, "supervisor");
  }
  for (const c of COLLEGES) {
    const number = `T${pad(atKey(firstOfOffice, at(c.offices, 0).code) + 2, 4)}`;
    atKey(byNumber, number).title = rng() < 0.5 ? "教授" : "副教授";
    grant(number, "supervisor", c.code);
  }
  atKey(byNumber, DEMO_ACCOUNTS.teacher).title = "讲师";

  // School leaders, administrators.
  for (const number of ["L0001", "L0002"]) {
    staff(number, SCHOOL.code, "教授");
    grant(number, "leader");
  }
  for (const c of COLLEGES) {
    const number = `UA-${c.code}`;
    staff(number, c.code, null);
    grant(number, "unit_admin", c.code);
  }
  staff("quality", SCHOOL.code, null);
  grant("quality", "quality_admin");
  staff("hr", SCHOOL.code, null);
  grant("hr", "hr");
  staff("admin", SCHOOL.code, null);
  grant("admin", "sys_admin");

  // Students: 8 programmes × 4 intakes × 2 classes of 33–34 (2,160 in all).
  // Number: intake year + programme + class + seat, e.g. 2024020101.
  type Group = { prog: ProgrammeSpec; intake: number; grade: number; classes: string[][]; classNames: string[] };
  const groups: Group[] = [];
  let g = 0;
  for (const prog of PROGRAMMES) {
    for (const intake of INTAKES) {
      const total = g++ % 2 === 0 ? 68 : 67;
      const sizes = [Math.ceil(total / 2), Math.floor(total / 2)];
      const group: Group = { prog, intake, grade: CURRENT_YEAR - intake + 1, classes: [], classNames: [] };
      sizes.forEach((size, ci) => {
        const className = `${prog.short}${String(intake).slice(2)}${pad(ci + 1, 2)}`;
        const members: string[] = [];
        for (let s = 1; s <= size; s++) {
          const number = `${intake}${prog.idx}${pad(ci + 1, 2)}${pad(s, 2)}`;
          const n = makeName(rng, rng() < prog.femaleShare ? "F" : "M", 0.15);
          people.push({
            number,
            ...n,
            kind: "student",
            unit: prog.college,
            programme: prog.code,
            className,
            admissionYear: intake,
            title: null,
            email: `${number}@stu.example.com`,
            phone: null,
          });
          grant(number, "student");
          members.push(number);
        }
        group.classes.push(members);
        group.classNames.push(className);
      });
      groups.push(group);
    }
    // Two information officers per programme.
    grant(`2025${prog.idx}0102`, "info_officer");
    grant(`2024${prog.idx}0202`, "info_officer");
  }

  // Courses.
  const courseList: CoursePlan[] = [];
  for (const gspec of GENERAL) {
    courseList.push({
      code: gspec.code,
      name: gspec.name,
      nameEn: gspec.nameEn,
      unit: gspec.unit,
      programme: null,
      type: gspec.type,
      credits: gspec.credits,
      hours: gspec.hours,
    });
  }
  for (const prog of PROGRAMMES) {
    for (const c of prog.courses) {
      const hours = c.type === "practice" ? c.credits * 24 : c.credits * 16;
      courseList.push({
        code: c.code,
        name: c.name,
        nameEn: c.nameEn,
        unit: prog.college,
        programme: prog.code,
        type: c.type,
        credits: c.credits,
        hours,
      });
    }
  }
  const buildingOf = new Map(COLLEGES.map((c) => [c.code, c.building]));

  // Sections: a teacher from the owning office (least loaded first), a time slot free for
  // the class group and the teachers, and a room free at that time.
  const load = new Map<string, number>();
  const busy = new Map<string, Set<string>>(); // term|slot → teacher numbers / group keys / rooms
  const isBusy = (term: string, slot: string, key: string) => busy.get(`${term}|${slot}`)?.has(key) ?? false;
  const markBusy = (term: string, slot: string, key: string) => {
    const k = `${term}|${slot}`;
    let taken = busy.get(k);
    if (taken === undefined) busy.set(k, (taken = new Set()));
    taken.add(key);
  };
  const leastLoaded = (pool: string[], except: string[] = []) => {
    const candidates = pool.filter((n) => !except.includes(n));
    const min = Math.min(...candidates.map((n) => load.get(n) ?? 0));
    return pick(
      rng,
      candidates.filter((n) => (load.get(n) ?? 0) === min),
    );
  };
  const sectionList: SectionPlan[] = [];
  const sectionSeq = new Map<string, number>();
  function addSection(o: {
    term: string;
    course: CoursePlan;
    office: string;
    group: Group;
    name: string;
    students: string[];
    coChance: number;
    lead?: string;
  }) {
    const pool = atKey(pools, o.office);
    const lead = o.lead ?? leastLoaded(pool);
    const teachers = [lead];
    if (rng() < o.coChance && pool.length > 1) teachers.push(leastLoaded(pool, [lead]));
    for (const n of teachers) load.set(n, (load.get(n) ?? 0) + 1);
    const groupKey = `G:${o.group.prog.code}:${o.group.intake}`;
    const slots = shuffle(rng, [...SLOTS]);
    const slot =
      slots.find((s) => !isBusy(o.term, s, groupKey) && teachers.every((n) => !isBusy(o.term, s, n))) ??
      slots.find((s) => !isBusy(o.term, s, groupKey)) ??
      at(slots, 0);
    markBusy(o.term, slot, groupKey);
    for (const n of teachers) markBusy(o.term, slot, n);
    let room: string;
    if (o.course.type === "pe") {
      room = pick(rng, ["田径场", "体育馆", "篮球场", "风雨操场"]);
    } else {
      const building =
        o.course.type === "practice"
          ? o.group.prog.cat === "me"
            ? "工程训练中心"
            : "实验楼"
          : (buildingOf.get(o.course.unit) ?? atKey(buildingOf, o.group.prog.college));
      const big = o.students.length > 70;
      do {
        room = `${building}-${big ? 1 : int(rng, 2, 5)}${pad(int(rng, 1, big ? 8 : 20), 2)}`;
      } while (isBusy(o.term, slot, `R:${room}`));
      markBusy(o.term, slot, `R:${room}`);
    }
    const seqKey = `${o.term}|${o.course.code}`;
    const seq = (sectionSeq.get(seqKey) ?? 0) + 1;
    sectionSeq.set(seqKey, seq);
    sectionList.push({
      term: o.term,
      code: `${o.course.code}-${pad(seq, 2)}`,
      course: o.course.code,
      name: o.name,
      schedule: `${slot} ${room}`,
      capacity: Math.ceil(o.students.length / 10) * 10 + 10,
      teachers:
        teachers.length === 1
          ? [{ number: lead, role: "lead", share: "1.000" }]
          : [
              { number: lead, role: "lead", share: "0.500" },
              { number: at(teachers, 1), role: "co", share: "0.500" },
            ],
      students: [...o.students].sort(),
    });
  }
  const courseByCode = new Map(courseList.map((c) => [c.code, c]));
  const groupLabel = (grp: Group) => `${at(grp.classNames, 0)}-${at(grp.classNames, 1).slice(-2)}`;
  const demoCourse = "SE3101"; // taught by the demo teacher to the demo student

  for (const grp of groups) {
    const everyone = grp.classes.flat();
    for (const term of ["current", "previous"] as const) {
      for (const gspec of GENERAL) {
        if (gspec.term !== term || gspec.admission !== grp.intake || !gspec.cats.includes(grp.prog.cat)) continue;
        const course = atKey(courseByCode, gspec.code);
        const termCode = DEMO_TERMS[term];
        const office = gspec.office ?? grp.prog.office;
        if (gspec.perClass) {
          grp.classes.forEach((members, ci) =>
            addSection({ term: termCode, course, office, group: grp, name: at(grp.classNames, ci), students: members, coChance: 0 }),
          );
        } else {
          addSection({ term: termCode, course, office, group: grp, name: groupLabel(grp), students: everyone, coChance: 0 });
        }
      }
    }
    // The programme's own courses of this year.
    const own = grp.prog.courses.filter((c) => c.grade === grp.grade);
    for (const c of own.filter((x) => x.type !== "elective")) {
      const course = atKey(courseByCode, c.code);
      const base = { term: DEMO_TERMS.current, course, office: grp.prog.office, group: grp, coChance: 0.12 };
      if (c.perClass) {
        grp.classes.forEach((members, ci) => addSection({ ...base, name: at(grp.classNames, ci), students: members }));
      } else {
        const lead = c.code === demoCourse ? DEMO_ACCOUNTS.teacher : undefined;
        addSection({ ...base, name: groupLabel(grp), students: everyone, lead, coChance: lead ? 0 : base.coChance });
      }
    }
    // Electives: year 3 picks one of two (some both), year 4 two of three (some all three).
    const electives = own.filter((x) => x.type === "elective");
    if (electives.length) {
      const chosen = new Map<string, string[]>(electives.map((e) => [e.code, []]));
      for (const number of everyone) {
        const k = grp.grade === 3 ? (rng() < 0.15 ? 2 : 1) : rng() < 0.3 ? 3 : 2;
        const order = electives
          .map((e) => ({ code: e.code, w: atKey(chosen, e.code).length + rng() * 4 }))
          .sort((a, b) => a.w - b.w)
          .slice(0, k);
        for (const o of order) atKey(chosen, o.code).push(number);
      }
      for (const e of electives) {
        addSection({
          term: DEMO_TERMS.current,
          course: atKey(courseByCode, e.code),
          office: grp.prog.office,
          group: grp,
          name: `${grp.prog.short}${grp.intake}级`,
          students: atKey(chosen, e.code),
          coChance: 0.12,
        });
      }
    }
  }

  // Graduate cohorts (2021, 2023, 2025) of 20 alumni each, with plainly fake contacts.
  const cohorts: CohortPlan[] = [];
  let phone = 0;
  let wechat = 0;
  for (const prog of PROGRAMMES) {
    for (const year of GRADUATION_YEARS) {
      const seats = shuffle(
        rng,
        Array.from({ length: 2 * 34 }, (_, i) => i),
      )
        .slice(0, 20)
        .sort((a, b) => a - b);
      cohorts.push({
        programme: prog.code,
        year,
        alumni: seats.map((seat) => {
          const studentNumber = `${year - 4}${prog.idx}${pad(Math.floor(seat / 34) + 1, 2)}${pad((seat % 34) + 1, 2)}`;
          const n = makeName(rng, rng() < prog.femaleShare ? "F" : "M", 0.2);
          return {
            studentNumber,
            name: n.name,
            email: rng() < 0.9 ? `${studentNumber}@alumni.example.com` : null,
            phone: rng() < 0.8 ? `1380000${pad(++phone, 4)}` : null,
            wechat: rng() < 0.5 ? `wxid_demo${pad(++wechat, 4)}` : null,
          };
        }),
      });
    }
  }

  // Employers and their contacts.
  let contactPhone = 0;
  const employerList: EmployerPlan[] = EMPLOYERS.map(([name, industry, region, regionCode], i) => {
    const contacts: EmployerPlan["contacts"] = [];
    const k = rng() < 0.5 ? 2 : 1;
    const positions = shuffle(rng, [...CONTACT_POSITIONS]);
    while (contacts.length < k) {
      const n = makeName(rng, rng() < 0.5 ? "F" : "M", 0.25);
      if (contacts.some((c) => c.name === n.name)) continue;
      contacts.push({
        name: n.name,
        position: at(positions, contacts.length),
        email: `contact${contacts.length + 1}@employer${pad(i + 1, 2)}.example.com`,
        phone: `1390000${pad(++contactPhone, 4)}`,
      });
    }
    return { code: `91${regionCode}MADEMO${pad(i + 1, 4)}`, name, industry, region, contacts };
  });

  // The printed accounts, checked against the grants so the constants cannot drift.
  const account = (key: DemoAccountKey, role: Role, scopeUnit: string | null): DemoAccount => {
    const number = DEMO_ACCOUNTS[key];
    const p = byNumber.get(number) ?? people.find((x) => x.number === number);
    if (!p || !grants.some((x) => x.number === number && x.role === role && x.unit === scopeUnit)) {
      throw new Error(`demo seed: account ${number} does not hold ${role}`);
    }
    const level = role === "supervisor" || role === "leader" ? (scopeUnit ? "（学院）" : "（校级）") : "";
    const levelEn = role === "supervisor" || role === "leader" ? (scopeUnit ? " (college)" : " (school)") : "";
    const scope = scopeUnit
      ? atKey(unitName, scopeUnit)
      : role === "student" || role === "info_officer" || role === "teacher"
        ? atKey(unitName, p.unit) + (p.className ? ` ${p.className}` : "")
        : SCHOOL.name;
    return {
      key,
      number,
      name: p.name,
      role,
      roleZh: ROLE_LABELS[role].zh + level,
      roleEn: ROLE_LABELS[role].en + levelEn,
      scope,
      password: DEMO_PASSWORD,
    };
  };
  const accounts = [
    account("sysAdmin", "sys_admin", null),
    account("qualityAdmin", "quality_admin", null),
    account("hr", "hr", null),
    account("unitAdmin", "unit_admin", "CS"),
    account("schoolSupervisor", "supervisor", null),
    account("unitSupervisor", "supervisor", "CS"),
    account("schoolLeader", "leader", null),
    account("collegeLeader", "leader", "CS"),
    account("teacher", "teacher", null),
    account("student", "student", null),
    account("infoOfficer", "info_officer", null),
  ];
  if (deans.get("CS") !== DEMO_ACCOUNTS.collegeLeader) throw new Error("demo seed: college leader number drifted");
  const demoSection = sectionList.find((s) => s.course === demoCourse && s.students.includes(DEMO_ACCOUNTS.student));
  if (demoSection?.teachers[0]?.number !== DEMO_ACCOUNTS.teacher)
    throw new Error("demo seed: demo teacher does not teach the demo student");

  const current = sectionList.filter((s) => s.term === DEMO_TERMS.current);
  const counts: DemoCounts = {
    units: unitList.length,
    colleges: unitList.filter((u) => u.kind === "college").length,
    offices: unitList.filter((u) => u.kind === "office").length,
    programmes: PROGRAMMES.length,
    terms: TERMS.length,
    courses: courseList.length,
    staff: people.filter((p) => p.kind === "staff").length,
    teachers: grants.filter((x) => x.role === "teacher").length,
    students: people.filter((p) => p.kind === "student").length,
    sections: sectionList.length,
    currentSections: current.length,
    sectionTeachers: sectionList.reduce((s, x) => s + x.teachers.length, 0),
    enrolments: sectionList.reduce((s, x) => s + x.students.length, 0),
    currentEnrolments: current.reduce((s, x) => s + x.students.length, 0),
    roleGrants: grants.length,
    cohorts: cohorts.length,
    alumni: cohorts.reduce((s, c) => s + c.alumni.length, 0),
    employers: employerList.length,
    contacts: employerList.reduce((s, e) => s + e.contacts.length, 0),
  };
  return {
    units: unitList,
    programmes: PROGRAMMES,
    courses: courseList,
    persons: people,
    grants,
    sections: sectionList,
    cohorts,
    employers: employerList,
    accounts,
    counts,
  };
}

// ─── database ────────────────────────────────────────────────────────────────────────

// Multi-row inserts of up to 1,000 rows (well under PostgreSQL's 65,535 parameters).
const CHUNK = 1000;
async function inChunks<T, R>(rows: T[], write: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await write(rows.slice(i, i + CHUNK))));
  return out;
}
async function eachChunk<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

async function hasRows(db: DbOrTx, table: PgTable): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(table)
    .limit(1);
  return rows.length > 0;
}

/**
 * True when the database holds no organisation data: no units and no persons (nor terms,
 * programmes, courses or employers, which the demo would collide with).
 */
export async function isEmpty(db: DbOrTx): Promise<boolean> {
  for (const table of [units, persons, terms, programmes, courses, employers]) {
    if (await hasRows(db, table)) return false;
  }
  return true;
}

export async function readMarker(db: DbOrTx): Promise<{ version?: number; seededAt?: string } | null> {
  const [row] = await db.select().from(meta).where(eq(meta.key, DEMO_MARKER_KEY));
  return row ? (row.value as { version?: number; seededAt?: string }) : null;
}

/**
 * Seeds the demo university into an empty database, in one transaction. On a database
 * this seed made before it does nothing; on any other non-empty database it refuses.
 * Returns the counts and the sign-in accounts (also printed through opts.log).
 */
export async function seedDemo(db: DbOrTx, opts: { log: (line: string) => void; force?: boolean }): Promise<DemoSummary> {
  if (process.env.NODE_ENV === "production" && process.env.DATABASE_URL && !opts.force) {
    throw new Error(
      "refusing to seed the demo into a production database (NODE_ENV=production with DATABASE_URL); pass --force to override",
    );
  }
  const plan = buildPlan();
  const summary: DemoSummary = { version: DEMO_VERSION, password: DEMO_PASSWORD, counts: plan.counts, accounts: plan.accounts };

  if (!(await isEmpty(db))) {
    const marker = await readMarker(db);
    if (!marker) throw new Error("refusing to seed the demo into a non-empty database that was not created by the demo seed");
    opts.log(`Demo university already seeded (version ${marker.version ?? "?"}, ${marker.seededAt ?? "unknown date"}); nothing to do.`);
    printAccounts(summary, opts.log);
    return summary;
  }

  const started = Date.now();
  opts.log("Seeding the demo university (示范大学)…");
  // Demo only: every demo account shares one password, hashed once and the hash reused
  // for every credential row (2,300 scrypt hashes would take minutes). Real accounts
  // each get their own salt and hash.
  const hash = await hashPassword(DEMO_PASSWORD);

  await db.transaction(async (tx) => {
    if (!(await isEmpty(tx))) throw new Error("refusing to seed the demo into a non-empty database that was not created by the demo seed");
    await tx
      .insert(meta)
      .values({ key: DEMO_MARKER_KEY, value: { version: DEMO_VERSION, seededAt: new Date().toISOString() } })
      .onConflictDoUpdate({
        target: meta.key,
        set: { value: { version: DEMO_VERSION, seededAt: new Date().toISOString() }, updatedAt: new Date() },
      });

    // Units, level by level (parents first).
    const unitId = new Map<string, number>();
    const levels = [["school"], ["college", "department"], ["office"]];
    for (const kinds of levels) {
      const batch = plan.units.filter((u) => kinds.includes(u.kind));
      const ins = await tx
        .insert(units)
        .values(
          batch.map((u) => ({
            code: u.code,
            name: u.name,
            nameEn: u.nameEn,
            kind: u.kind,
            parentId: u.parent ? atKey(unitId, u.parent) : null,
          })),
        )
        .returning({ id: units.id, code: units.code });
      for (const r of ins) unitId.set(r.code, r.id);
    }

    const progIns = await tx
      .insert(programmes)
      .values(
        plan.programmes.map((p) => ({
          code: p.code,
          name: p.name,
          nameEn: p.nameEn,
          unitId: atKey(unitId, p.college),
        })),
      )
      .returning({ id: programmes.id, code: programmes.code });
    const programmeId = new Map(progIns.map((r) => [r.code, r.id]));

    const termIns = await tx.insert(terms).values(TERMS).returning({ id: terms.id, code: terms.code });
    const termId = new Map(termIns.map((r) => [r.code, r.id]));

    const courseIns = await inChunks(plan.courses, (chunk) =>
      tx
        .insert(courses)
        .values(
          chunk.map((c) => ({
            code: c.code,
            name: c.name,
            nameEn: c.nameEn,
            unitId: atKey(unitId, c.unit),
            programmeId: c.programme ? atKey(programmeId, c.programme) : null,
            type: c.type,
            credits: c.credits.toFixed(1),
            hours: c.hours,
          })),
        )
        .returning({ id: courses.id, code: courses.code }),
    );
    const courseId = new Map(courseIns.map((r) => [r.code, r.id]));

    const personIns = await inChunks(plan.persons, (chunk) =>
      tx
        .insert(persons)
        .values(
          chunk.map((p) => ({
            number: p.number,
            name: p.name,
            nameEn: p.nameEn,
            kind: p.kind,
            gender: p.gender,
            unitId: atKey(unitId, p.unit),
            programmeId: p.programme ? atKey(programmeId, p.programme) : null,
            className: p.className,
            admissionYear: p.admissionYear,
            title: p.title,
            email: p.email,
            phone: p.phone,
          })),
        )
        .returning({ id: persons.id, number: persons.number }),
    );
    const personId = new Map(personIns.map((r) => [r.number, r.id]));

    await eachChunk(personIns, (chunk) => tx.insert(credentials).values(chunk.map((p) => ({ personId: p.id, passwordHash: hash }))));
    await eachChunk(plan.grants, (chunk) =>
      tx.insert(roleGrants).values(
        chunk.map((g) => ({
          personId: atKey(personId, g.number),
          role: g.role,
          unitId: g.unit ? atKey(unitId, g.unit) : null,
        })),
      ),
    );

    const sectionIns = await inChunks(plan.sections, (chunk) =>
      tx
        .insert(sections)
        .values(
          chunk.map((s) => ({
            code: s.code,
            termId: atKey(termId, s.term),
            courseId: atKey(courseId, s.course),
            name: s.name,
            schedule: s.schedule,
            capacity: s.capacity,
          })),
        )
        .returning({ id: sections.id, termId: sections.termId, code: sections.code }),
    );
    const sectionId = new Map(sectionIns.map((r) => [`${r.termId}|${r.code}`, r.id]));
    const sid = (s: SectionPlan) => atKey(sectionId, `${atKey(termId, s.term)}|${s.code}`);

    await eachChunk(
      plan.sections.flatMap((s) =>
        s.teachers.map((t) => ({
          sectionId: sid(s),
          personId: atKey(personId, t.number),
          role: t.role,
          share: t.share,
        })),
      ),
      (chunk) => tx.insert(sectionTeachers).values(chunk),
    );
    await eachChunk(
      plan.sections.flatMap((s) => s.students.map((n) => ({ sectionId: sid(s), personId: atKey(personId, n) }))),
      (chunk) => tx.insert(enrolments).values(chunk),
    );

    const cohortIns = await tx
      .insert(graduateCohorts)
      .values(
        plan.cohorts.map((c) => ({
          programmeId: atKey(programmeId, c.programme),
          graduationYear: c.year,
        })),
      )
      .returning({ id: graduateCohorts.id, programmeId: graduateCohorts.programmeId, year: graduateCohorts.graduationYear });
    const cohortId = new Map(cohortIns.map((r) => [`${r.programmeId}|${r.year}`, r.id]));
    await eachChunk(
      plan.cohorts.flatMap((c) =>
        c.alumni.map((a) => ({
          cohortId: atKey(cohortId, `${atKey(programmeId, c.programme)}|${c.year}`),
          ...a,
        })),
      ),
      (chunk) => tx.insert(alumni).values(chunk),
    );

    const employerIns = await tx
      .insert(employers)
      .values(
        plan.employers.map((e) => ({
          code: e.code,
          name: e.name,
          industry: e.industry,
          region: e.region,
        })),
      )
      .returning({ id: employers.id, code: employers.code });
    const employerId = new Map(employerIns.map((r) => [r.code, r.id]));
    await tx.insert(employerContacts).values(
      plan.employers.flatMap((e) =>
        e.contacts.map((c) => ({
          employerId: atKey(employerId, e.code),
          ...c,
        })),
      ),
    );
  });

  const c = plan.counts;
  opts.log(
    `Demo university seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.units} units (${c.colleges} colleges, ${c.offices} offices), ` +
      `${c.programmes} programmes, ${c.courses} courses, ${c.teachers} teachers, ${c.students} students, ` +
      `${c.sections} sections (${c.currentSections} in ${DEMO_TERMS.current}), ${c.enrolments} enrolments, ` +
      `${c.cohorts} graduate cohorts with ${c.alumni} alumni, ${c.employers} employers with ${c.contacts} contacts.`,
  );
  printAccounts(summary, opts.log);
  return summary;
}

// ─── the accounts table ──────────────────────────────────────────────────────────────

// Display width: CJK and full-width characters take two columns in a terminal.
const displayWidth = (s: string) =>
  [...s].reduce(
    (w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1),
    0,
  );
const padCell = (s: string, w: number) => s + " ".repeat(Math.max(0, w - displayWidth(s)));

export function formatAccounts(summary: DemoSummary): string[] {
  const head = ["账号 Account", "密码 Password", "姓名 Name", "角色 Role", "范围 Scope"];
  const rows = summary.accounts.map((a) => [a.number, a.password, a.name, `${a.roleZh} ${a.roleEn}`, a.scope]);
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(at(r, i)))));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => padCell(c, at(widths, i)))
      .join("  ")
      .trimEnd()}`;
  const rule = `  ${widths.map((w) => "─".repeat(w)).join("  ")}`;
  return [
    `Demo accounts (演示账号) — every demo account's password is ${summary.password}:`,
    line(head),
    rule,
    ...rows.map(line),
    rule,
    `  Every teacher (T0001–T${pad(summary.counts.teachers, 4)}) and every student can sign in with the same password.`,
  ];
}

function printAccounts(summary: DemoSummary, log: (line: string) => void) {
  for (const l of formatAccounts(summary)) log(l);
}
