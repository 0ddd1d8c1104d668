shadow_broken.act
