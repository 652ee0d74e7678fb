/** The keys of a group object read from the catalogue, typed (Object.keys gives string[]). */
export const keysOf = <T extends object>(group: T) => Object.keys(group) as Extract<keyof T, string>[];
