// Import kind: 用人单位 employers and their contacts, one contact per row.
import { sql } from "drizzle-orm";
import { col as dbCol, queryRows } from "@/db/query";
import { col, text, code, email, phone } from "../columns";
import { val, bad, short, checkDuplicates, K, pick, type Handler, tally, stateOf, defineImportKind, required } from "../kit";
import { atKey } from "@/server/shared/indexed";
import { textArray, upsertReturning } from "../sql";

const EMPLOYER_FIELDS = ["name", "industry", "region"] as const;
const CONTACT_FIELDS = ["contact_position", "contact_email", "contact_phone"] as const;

const validate: Handler = async (ctx, _db, rows) => {
  checkDuplicates(ctx, rows, ["code", "contact_name"], (r) => {
    const name = val<string>(r, "contact_name");
    return name === undefined ? null : K(val<string>(r, "code"), name);
  });
  // One employer per code; the rows of an employer must agree where filled in.
  type Emp = { code: string; firstRow: number; fields: Record<string, { value: string; row: number } | undefined> };
  const emps = new Map<string, Emp>();
  for (const r of rows) {
    const code = val<string>(r, "code");
    if (code === undefined) continue;
    let e = emps.get(code);
    if (!e) emps.set(code, (e = { code, firstRow: r.row, fields: {} }));
    for (const f of EMPLOYER_FIELDS) {
      const v = val<string>(r, f);
      if (v === undefined) continue;
      const seen = e.fields[f];
      if (!seen) e.fields[f] = { value: v, row: r.row };
      else if (seen.value !== v) ctx.err(r.row, f, "employerMismatch", { value: short(v), other: short(seen.value), row: seen.row });
    }
    if (val(r, "contact_name") === undefined && !bad(r, "contact_name")) {
      for (const f of CONTACT_FIELDS) if (val(r, f) !== undefined) ctx.err(r.row, f, "contactWithoutName");
    }
  }

  return async (tx, progress) => {
    const ecols = pick(ctx, [
      ["code", "text"],
      ["name", "text"],
      ["industry", "text"],
      ["region", "text"],
    ]);
    const edata = [...emps.values()].map((e) => ({
      code: e.code,
      name: e.fields.name?.value,
      industry: e.fields.industry?.value ?? null,
      region: e.fields.region?.value ?? null,
    }));
    const eret = await upsertReturning(
      tx,
      { table: "employers", cols: ecols, key: ["code"], update: ecols.map(([n]) => n).filter((n) => n !== "code"), touch: true },
      edata,
      { code: dbCol.text },
    );
    const empState = new Map(eret.map((x) => [x.code, stateOf(x)]));
    const idRows = await queryRows(
      tx,
      { id: dbCol.int, code: dbCol.text },
      sql`select id, code from employers where code in ${textArray(emps.keys())}`,
    );
    const empIds = new Map(idRows.map((x) => [x.code, x.id]));

    const withContact = rows.filter((r) => val(r, "contact_name") !== undefined);
    const ccols = pick(
      ctx,
      [
        ["employer_id", "integer"],
        ["name", "text"],
        ["position", "text"],
        ["email", "text"],
        ["phone", "text"],
      ],
      { employer_id: "code", name: "contact_name", position: "contact_position", email: "contact_email", phone: "contact_phone" },
    );
    const cdata = withContact.map((r) => ({
      employer_id: empIds.get(required<string>(r, "code")),
      name: val(r, "contact_name"),
      position: val(r, "contact_position") ?? null,
      email: val(r, "contact_email") ?? null,
      phone: val(r, "contact_phone") ?? null,
    }));
    const cret = await upsertReturning(
      tx,
      {
        table: "employer_contacts",
        cols: ccols,
        key: ["employer_id", "name"],
        update: ccols.map(([n]) => n).filter((n) => n !== "employer_id" && n !== "name"),
        touch: true,
      },
      cdata,
      { employer_id: dbCol.int, name: dbCol.text },
      progress,
    );
    const contactState = new Map(cret.map((x) => [K(x.employer_id, x.name), stateOf(x)]));

    // A row counts as inserted/updated by its contact; the employer's own change counts
    // on the employer's first row.
    const rank = { same: 0, upd: 1, ins: 2 } as const;
    return tally(
      rows.map((r) => {
        const code = required<string>(r, "code");
        const name = val<string>(r, "contact_name");
        const c = name === undefined ? "same" : (contactState.get(K(empIds.get(code), name)) ?? "same");
        const e = atKey(emps, code).firstRow === r.row ? (empState.get(code) ?? "same") : "same";
        return rank[c] >= rank[e] ? c : e;
      }),
    );
  };
};

export const employers = defineImportKind({
  kind: "employers",
  description: {
    zh: "用人单位及其联系人，每行一位联系人。同一用人单位的各行中，单位名称、行业、地区如填写须一致（留空表示沿用其他行的值）。",
    en: "Employers and their contacts, one contact per row. Rows of the same employer must agree on its name, industry and region where filled in (an empty cell takes the value from the other rows).",
  },
  naturalKey: ["code", "contact_name"],
  columns: [
    col(
      "code",
      "用人单位代码",
      "Employer code",
      true,
      code(true),
      { zh: "统一社会信用代码或学校自编代码。", en: "Unified social credit code or a code assigned by the school." },
      "91110000000000000X",
      ["统一社会信用代码", "信用代码", "单位代码", "代码", "code"],
    ),
    col(
      "name",
      "用人单位名称",
      "Employer name",
      true,
      text(true),
      { zh: "用人单位名称。", en: "Name of the employer." },
      "某某科技有限公司",
      ["单位名称", "名称"],
    ),
    col("industry", "行业", "Industry", false, text(false, 100), { zh: "所属行业。", en: "Industry." }, "信息技术", ["所属行业"]),
    col("region", "地区", "Region", false, text(false, 100), { zh: "所在地区。", en: "Region." }, "北京", ["所在地区", "所在地"]),
    col(
      "contact_name",
      "联系人姓名",
      "Contact name",
      false,
      text(false, 100),
      {
        zh: "联系人姓名；同一单位内唯一。留空则该行只更新单位信息。",
        en: "Contact's name, unique within the employer; an empty cell means the row only carries employer details.",
      },
      "李经理",
      ["联系人"],
    ),
    col(
      "contact_position",
      "联系人职务",
      "Contact position",
      false,
      text(false, 100),
      { zh: "联系人职务。", en: "Contact's position." },
      "人力资源部经理",
      ["职务"],
    ),
    col(
      "contact_email",
      "联系人邮箱",
      "Contact email",
      false,
      email(),
      { zh: "联系人电子邮箱（发送调查邀请）。", en: "Contact's e-mail address (for survey invitations)." },
      "hr@example.com",
      ["邮箱", "电子邮箱"],
    ),
    col(
      "contact_phone",
      "联系人电话",
      "Contact phone",
      false,
      phone(),
      { zh: "联系人电话。", en: "Contact's phone number." },
      "010-12345678",
      ["电话", "手机", "联系电话"],
    ),
  ],
  validate,
});
