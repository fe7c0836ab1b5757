import { t, api } from '../core.js';

function signInPage() {
  const form = document.getElementById('sign-in-form');
  const failure = document.getElementById('sign-in-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    failure.hidden = true;
    try {
      await api('POST', '/api/v1/session', { login: form.login.value, password: form.password.value });
      location.assign('/work');
    } catch (error) {
      failure.textContent = t(error.status === 429 ? 'sign_in.busy' : 'sign_in.failed');
      failure.hidden = false;
    }
  });
}

signInPage();
