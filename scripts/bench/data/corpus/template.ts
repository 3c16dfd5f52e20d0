import type { SeededRandom } from './random';

/**
 * Phrasebook templates: literal text with `{slot}` values and `[a|b|c]` choices of wording (an alternative may be
 * empty, or hold slots). Choices spread differences across a text, so that two answers built from one template
 * still differ in several places, as two agents' answers do.
 */

type Node = string | { slot: string } | { choice: Node[][] };

const TOKEN = /\{(\w+)\}|\[([^\]]*)\]/g;
// Templates are parsed once: filling a million records is then plain concatenation.
const compiled = new Map<string, Node[]>();

function parse(template: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of template.matchAll(TOKEN)) {
    if (match.index > last) nodes.push(template.slice(last, match.index));
    if (match[1] !== undefined) nodes.push({ slot: match[1] });
    else nodes.push({ choice: match[2].split('|').map(parse) });
    last = match.index + match[0].length;
  }
  if (last < template.length) nodes.push(template.slice(last));
  return nodes;
}

function nodesOf(template: string): Node[] {
  let nodes = compiled.get(template);
  if (!nodes) {
    nodes = parse(template);
    compiled.set(template, nodes);
  }
  return nodes;
}

function render(nodes: Node[], valueOf: (slot: string) => string, random: SeededRandom): string {
  let text = '';
  for (const node of nodes) {
    if (typeof node === 'string') text += node;
    else if ('slot' in node) text += valueOf(node.slot);
    else text += render(random.pick(node.choice), valueOf, random);
  }
  return text;
}

/** `template` with one wording picked from each choice and every slot replaced by `valueOf(slot)`. */
export function fillTemplate(template: string, valueOf: (slot: string) => string, random: SeededRandom): string {
  return render(nodesOf(template), valueOf, random);
}
