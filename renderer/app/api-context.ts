import { createContext, useContext } from 'react'
import type { PairingApi } from '../../shared/api.ts'

export const ApiContext = createContext<PairingApi | null>(null)

export function useApi(): PairingApi {
  const api = useContext(ApiContext)
  if (api === null) throw new Error('useApi outside <ApiContext>')
  return api
}
