import { sql, type SQL } from "drizzle-orm";

/**
 * The organisation tree in SQL: subqueries to embed in set-based statements (`unit_id in
 * (${unitSubtreeSql(id)})`, `join (${unitCollegesSql()}) uc on …`). The tree is walked by
 * recursive CTEs here and nowhere else.
 */

function idList(ids: number | readonly number[]): SQL {
  const list = typeof ids === "number" ? [ids] : ids;
  return sql.join(
    list.map((id) => sql`${id}::int`),
    sql`, `,
  );
}

/** Subquery of one column `id`: the given units and all their descendants. */
export function unitSubtreeSql(roots: number | readonly number[]): SQL {
  return sql`with recursive subtree(id) as (
      select id from units where id in (${idList(roots)})
      union select u.id from units u join subtree s on u.parent_id = s.id
    ) select id from subtree`;
}

/** Subquery of one column `id`: the given units and all their ancestors. */
export function unitAncestorsSql(units: number | readonly number[]): SQL {
  return sql`with recursive ancestors(id, parent_id) as (
      select id, parent_id from units where id in (${idList(units)})
      union select u.id, u.parent_id from units u join ancestors a on u.id = a.parent_id
    ) select id from ancestors`;
}

/**
 * Subquery of columns (`unit_id`, `college_id`): for every unit, its nearest college or
 * department, itself included (none above a unit: no row).
 */
export function unitCollegesSql(): SQL {
  return sql`with recursive up(unit_id, anc_id, anc_kind, depth) as (
      select id, id, kind::text, 0 from units
      union all select up.unit_id, u.parent_id, p.kind::text, up.depth + 1
      from up join units u on u.id = up.anc_id join units p on p.id = u.parent_id
    ) select distinct on (unit_id) unit_id, anc_id as college_id from up
    where anc_kind in ('college', 'department') order by unit_id, depth`;
}
