// Chorus enhances pages; every journey works without this script.
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()

// Answers to a proposal save themselves as a draft a few seconds after the
// person stops typing. Without JavaScript, "Save and come back later" does it.
for (const form of document.querySelectorAll('form[data-chorus-autosave]')) {
  const status = form.querySelector('[data-chorus-autosave-status]')
  let timer = null
  const save = async () => {
    const data = new FormData(form)
    data.delete('action')
    try {
      const response = await fetch(form.dataset.chorusAutosave, {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': data.get('csrf_token') }
      })
      if (status) {
        status.textContent = response.ok
          ? status.dataset.saved.replace('%s', new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))
          : status.dataset.failed
      }
    } catch {
      if (status) status.textContent = status.dataset.failed
    }
  }
  form.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(save, 3000)
  })
}
