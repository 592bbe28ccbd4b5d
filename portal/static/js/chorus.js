// Chorus enhances pages; every journey works without this script.
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
