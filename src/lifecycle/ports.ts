/**
 * Dated lifecycle facts about a standard. A standard's status is computed from these (never typed in):
 * released (发布) → to be implemented (即将实施) → current (现行, on the implementation date) → replaced / abolished
 * (废止) / withdrawn. Bulletins, editors and importers write them; the scheduled job applies the status changes
 * when their dates arrive.
 */
export type LifecycleEventType =
  | 'approved' // approval announced (bulletin date); starts the disclosure deadline
  | 'released' // issued / published (发布日期)
  | 'implemented' // takes effect (实施日期)
  | 'replaced' // replaced by `related` (effective on the successor's implementation date)
  | 'abolished' // 废止
  | 'withdrawn'
  | 'reviewed'; // systematic review confirmed the standard

export interface LifecycleEventInput {
  stdId: string;
  type: LifecycleEventType;
  /** Calendar date of legal effect, 'YYYY-MM-DD'. */
  date: string;
  /** The other standard (successor for 'replaced'). */
  related?: string;
  /** Where the fact comes from: 'bulletin:<id>', 'importer:<name>', 'editor'. */
  source: string;
}
