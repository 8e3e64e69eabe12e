import type { InputHTMLAttributes, ReactNode } from 'react'

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'type'> {
  id: string
  label: string
  /** The buttons that act on the field, after it on the same row. */
  children?: ReactNode
}

/** A labelled one-line text field with its buttons on one row: the device name and the node address. */
export function InlineField({ id, label, children, ...input }: Props) {
  return (
    <div className="name-row">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input id={id} className="name-input" type="text" {...input} />
      {children}
    </div>
  )
}
