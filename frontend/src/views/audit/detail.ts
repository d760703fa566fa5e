/**
 * An audit event's `detail` (free-form JSON) summarised as a few lines of plain text:
 * the fields a record view disclosed, a search's criteria, what changed. Always text:
 * the lines go through `html`, never into markup as such.
 */

const MAX_LINE = 240

/** Words for the API's camelCase names: dateOfBirth → date of birth. */
export function nameWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function clip(text: string): string {
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Any JSON value as short text. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string' || typeof value === 'number') return String(value)
  if (Array.isArray(value)) return value.map(valueText).filter((text) => text !== '').join(', ')
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([key, inner]) => [key, valueText(inner)] as const)
      .filter(([, text]) => text !== '')
      .map(([key, text]) => `${nameWords(key)} ${text}`)
      .join('; ')
  }
  return ''
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function childView(detail: Record<string, unknown>): string[] {
  const lines: string[] = []
  const shown = strings(detail['fields'])
  const withheld = strings(detail['withheld'])
  if (detail['shielded'] === true) lines.push('Shielded record')
  if (shown.length > 0) lines.push(`Fields shown: ${shown.join(', ')}`)
  if (withheld.length > 0) lines.push(`Withheld: ${withheld.join(', ')}`)
  if (typeof detail['id'] === 'string') lines.push(`ContactPoint ID asked for: ${detail['id']}`)
  return lines
}

function childSearch(detail: Record<string, unknown>): string[] {
  const lines: string[] = []
  const criteria = detail['criteria']
  if (isRecord(criteria)) lines.push(`Searched for: ${valueText(criteria)}`)
  if (detail['tooManyMatches'] === true) lines.push('Too many matches to show')
  else if (Array.isArray(detail['ids'])) {
    const count = detail['ids'].length
    lines.push(count === 1 ? '1 child found' : `${count} children found`)
  }
  return lines
}

function generic(detail: Record<string, unknown>): string[] {
  return Object.entries(detail)
    .map(([key, value]) => [key, valueText(value)] as const)
    .filter(([, text]) => text !== '')
    .map(([key, text]) => `${sentence(nameWords(key))}: ${text}`)
}

/** The event's detail as lines of text (none when there is nothing to say). */
export function detailLines(action: string, detail: Record<string, unknown>): string[] {
  const lines = action === 'CHILD_VIEW' ? childView(detail) : action === 'CHILD_SEARCH' ? childSearch(detail) : generic(detail)
  return lines.map(clip)
}
