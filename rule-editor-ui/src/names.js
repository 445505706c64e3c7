// The rule set name rule the server applies (RuleSetSource), checked as the name is typed.

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What is wrong with {@code name} as a rule set name, or null when the server takes it. */
export function ruleSetNameProblem(name) {
  if (name === '') return 'give the rule set a name';
  if (NAME.test(name)) return null;
  if (name.length > 64) return `a name has at most 64 characters, this one ${name.length}`;
  if (!/^[A-Za-z0-9]/.test(name)) return `a name starts with a letter or digit, not '${name[0]}'`;
  const bad = [...name].find((c) => !/[A-Za-z0-9_.-]/.test(c));
  return `a name has only letters, digits, '.', '_' and '-', not '${bad}'`;
}
