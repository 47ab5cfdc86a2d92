import './pay.css';

document.getElementById('app').textContent = 'Loading…';
