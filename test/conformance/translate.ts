/**
 * The betsy models write conditions in the Java-like style of the engines
 * they were made for. The corpus README allows a harness to translate exactly
 * these forms into the project's expression language (FEEL), nothing else:
 * `${x}` → `x`, `a.contains("b")` → `contains(a, "b")`, `!x` → `not(x)`.
 */
const EXPRESSION_ELEMENTS = /(<(?:\w+:)?(?:conditionExpression|condition|loopCondition|completionCondition|activationCondition|loopCardinality)\b[^>]*>)([\s\S]*?)(<\/(?:\w+:)?(?:conditionExpression|condition|loopCondition|completionCondition|activationCondition|loopCardinality)>)/g;

export function translateConditions(xml: string): string {
  return xml.replace(EXPRESSION_ELEMENTS, (_, open: string, body: string, close: string) => {
    const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(body);
    const text = cdata ? cdata[1]! : body;
    const translated = translateExpression(text.trim());
    return `${open}${cdata ? `<![CDATA[${translated}]]>` : translated}${close}`;
  });
}

export function translateExpression(expr: string): string {
  let out = expr.replace(/^\$\{([\s\S]*)\}$/, '$1').trim();
  out = out.replace(/([A-Za-z_][\w]*)\.contains\(("[^"]*")\)/g, 'contains($1, $2)');
  out = out.replace(/!\s*(contains\([^)]*\)|[A-Za-z_]\w*)/g, 'not($1)');
  return out;
}
